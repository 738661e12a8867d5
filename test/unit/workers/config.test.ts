import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { CONFIG_ENV, loadConfig } from '../../../workers/config.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ballast-config-'));
});

async function file(name: string, text: string): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, text);
  return p;
}

/** The problem lines of the one error loadConfig throws. */
function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    const [head, ...lines] = (err as Error).message.split('\n');
    assert.equal(head, 'invalid configuration:');
    return lines.map((l) => l.trim());
  }
  assert.fail('loadConfig accepted an invalid configuration');
}

describe('loadConfig', () => {
  it('gives the defaults with an empty environment', () => {
    const c = loadConfig({});
    assert.equal(c.temporalAddress, '127.0.0.1:7233');
    assert.equal(c.shutdownGrace, '30s');
    assert.equal(c.temporalTls, undefined);
    assert.equal(c.maxConcurrentActivityTaskExecutions, undefined);
  });

  it('reads the new settings from the environment, typed', () => {
    const c = loadConfig({
      TEMPORAL_TLS: 'true',
      BALLAST_MAX_CONCURRENT_ACTIVITIES: '25',
      BALLAST_MAX_CONCURRENT_WORKFLOW_TASKS: '8',
      BALLAST_SHUTDOWN_GRACE: '1m30s',
      TEMPORAL_API_KEY: 'k',
    });
    assert.equal(c.temporalTls, true);
    assert.equal(c.maxConcurrentActivityTaskExecutions, 25);
    assert.equal(c.maxConcurrentWorkflowTaskExecutions, 8);
    assert.equal(c.shutdownGrace, '1m30s');
    assert.equal(c.temporalApiKey, 'k');
  });

  it('reports every problem in one error, each under the variable that caused it', () => {
    const lines = problems(() =>
      loadConfig({
        BALLAST_CLUSTER_NAME: 'Not Valid',
        BALLAST_LOG_LEVEL: 'loud',
        BALLAST_MAX_CONCURRENT_ACTIVITIES: 'many',
        BALLAST_MAX_CONCURRENT_WORKFLOW_TASKS: '0',
        BALLAST_SHUTDOWN_GRACE: 'soon',
        TEMPORAL_TLS: 'maybe',
        TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'missing.crt'),
        TEMPORAL_API_KEY: 'super-secret-key',
      })
    );
    const named = lines.map((l) => l.split(':')[0]);
    assert.deepEqual(
      new Set(named),
      new Set([
        'BALLAST_CLUSTER_NAME',
        'BALLAST_LOG_LEVEL',
        'BALLAST_MAX_CONCURRENT_ACTIVITIES',
        'BALLAST_MAX_CONCURRENT_WORKFLOW_TASKS',
        'BALLAST_SHUTDOWN_GRACE',
        'TEMPORAL_TLS',
        'TEMPORAL_TLS_CLIENT_KEY_PATH', // required with the cert
        'TEMPORAL_TLS_CLIENT_CERT_PATH', // unreadable
      ])
    );
    assert.match(
      lines.find((l) => l.startsWith('TEMPORAL_TLS_CLIENT_CERT_PATH'))!,
      /cannot read .*missing\.crt: ENOENT/
    );
    assert.ok(!lines.join('\n').includes('super-secret-key'), 'the API key must not appear in the error');
  });

  it('rejects TLS files while TLS is switched off', async () => {
    const ca = await file('ca.pem', 'pem');
    const lines = problems(() => loadConfig({ TEMPORAL_TLS: 'false', TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca }));
    assert.deepEqual(lines, ['TEMPORAL_TLS_SERVER_CA_CERT_PATH: set while TEMPORAL_TLS is false']);
  });

  it('knows every key through exactly one variable', () => {
    const keys = Object.values(CONFIG_ENV);
    assert.equal(new Set(keys).size, keys.length);
  });
});

describe('loadConfig with BALLAST_CONFIG_FILE', () => {
  it('takes the file over the defaults and the environment over the file', async () => {
    const p = await file(
      'precedence.yaml',
      [
        'temporalAddress: from-file:7233',
        'taskQueue: file-queue',
        'maxConcurrentActivityTaskExecutions: 4',
        'temporalTls: true',
      ].join('\n')
    );
    const c = loadConfig({ BALLAST_CONFIG_FILE: p, BALLAST_TASK_QUEUE: 'env-queue' });
    assert.equal(c.temporalAddress, 'from-file:7233');
    assert.equal(c.taskQueue, 'env-queue');
    assert.equal(c.maxConcurrentActivityTaskExecutions, 4);
    assert.equal(c.temporalTls, true);
    assert.equal(c.temporalNamespace, 'default');
  });

  it('names file problems by file key, and lists them with the environment ones', async () => {
    const p = await file('bad.yaml', 'clusterName: Bad_Name\ntaskQueu: typo\nshutdownGrace: 10s\n');
    const lines = problems(() => loadConfig({ BALLAST_CONFIG_FILE: p, BALLAST_LOG_LEVEL: 'loud' }));
    assert.equal(lines.length, 3, lines.join('\n'));
    assert.ok(
      lines.some((l) => l.startsWith(`clusterName (in ${p}):`)),
      lines.join('\n')
    );
    assert.ok(
      lines.some((l) => l.startsWith(`${p}: unknown keys taskQueu`)),
      lines.join('\n')
    );
    assert.ok(
      lines.some((l) => l.startsWith('BALLAST_LOG_LEVEL:')),
      lines.join('\n')
    );
  });

  it('says so when the file is missing, not YAML, or not a mapping', async () => {
    assert.match(
      problems(() => loadConfig({ BALLAST_CONFIG_FILE: path.join(dir, 'nope.yaml') }))[0]!,
      /cannot read .*ENOENT/
    );
    const broken = await file('broken.yaml', 'a: [1, 2\n');
    assert.match(problems(() => loadConfig({ BALLAST_CONFIG_FILE: broken }))[0]!, /not valid YAML/);
    const list = await file('list.yaml', '- a\n- b\n');
    assert.match(problems(() => loadConfig({ BALLAST_CONFIG_FILE: list }))[0]!, /want a mapping/);
  });
});
