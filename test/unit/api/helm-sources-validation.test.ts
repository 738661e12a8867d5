import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { HelmChartKind, HelmChartSchema } from '../../../api/helmchart.js';
import { HelmRepositoryKind, HelmRepositorySchema } from '../../../api/helmrepository.js';
import { validate } from '../../../api/meta.js';

// The shapes of the examples in Flux's HelmRepository and HelmChart docs.
const repository = `
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: podinfo
  namespace: default
spec:
  interval: 5m0s
  url: https://stefanprodan.github.io/podinfo
`;

const ociRepository = `
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: podinfo
  namespace: default
spec:
  type: "oci"
  interval: 5m0s
  url: oci://ghcr.io/stefanprodan/charts
`;

const chart = `
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmChart
metadata:
  name: podinfo
  namespace: default
spec:
  interval: 5m0s
  chart: podinfo
  reconcileStrategy: ChartVersion
  sourceRef:
    kind: HelmRepository
    name: podinfo
  version: '5.*'
`;

function withSpec(manifest: string, patch: Record<string, unknown>, drop: string[] = []): unknown {
  const object = parse(manifest) as { spec: Record<string, unknown> };
  for (const key of drop) delete object.spec[key];
  Object.assign(object.spec, patch);
  return object;
}

function errorOf(schema: typeof HelmRepositorySchema | typeof HelmChartSchema, input: unknown): string {
  const result = validate<unknown>(schema, input);
  assert.equal(result.ok, false, 'expected the object to be rejected');
  return result.ok ? '' : result.message;
}

describe('HelmRepository schema', () => {
  it('accepts the Flux docs examples (index and OCI) and fills in Flux defaults', () => {
    const repo = HelmRepositorySchema.parse(parse(repository));
    assert.equal(repo.spec.url, 'https://stefanprodan.github.io/podinfo');
    assert.equal(repo.spec.timeout, '60s');
    assert.equal(repo.spec.provider, 'generic');
    assert.deepEqual(repo.status, { observedGeneration: -1 });
    assert.equal(HelmRepositorySchema.parse(parse(ociRepository)).spec.type, 'oci');
  });

  it('accepts every optional field Flux documents', () => {
    const result = validate(
      HelmRepositorySchema,
      withSpec(ociRepository, {
        secretRef: { name: 'auth' },
        certSecretRef: { name: 'tls' },
        passCredentials: true,
        timeout: '2m',
        insecure: true,
        provider: 'aws',
        suspend: false,
        accessFrom: { namespaceSelectors: [{ matchLabels: { team: 'a' } }] },
      })
    );
    assert.ok(result.ok, result.ok ? '' : result.message);
  });

  it('rejects a URL that is not http, https or oci, naming spec.url', () => {
    assert.match(
      errorOf(HelmRepositorySchema, withSpec(repository, { url: 'ftp://example.com' })),
      /^spec\.url: must be an http:\/\/, https:\/\/ or oci:\/\/ URL/m
    );
  });

  it('rejects an unknown type, naming spec.type', () => {
    assert.match(errorOf(HelmRepositorySchema, withSpec(repository, { type: 'git' })), /^spec\.type: /m);
  });

  it('describes itself as Flux names it', () => {
    assert.deepEqual(HelmRepositoryKind.shortNames, ['helmrepo']);
    assert.deepEqual(
      HelmRepositoryKind.printerColumns.map((c) => c.name),
      ['URL', 'Age', 'Ready', 'Status']
    );
  });
});

describe('HelmChart schema', () => {
  it('accepts the Flux docs example', () => {
    const hc = HelmChartSchema.parse(parse(chart));
    assert.equal(hc.spec.chart, 'podinfo');
    assert.equal(hc.spec.version, '5.*');
    assert.equal(hc.spec.sourceRef.kind, 'HelmRepository');
  });

  it("defaults version to '*' and reconcileStrategy to ChartVersion", () => {
    const hc = HelmChartSchema.parse(withSpec(chart, {}, ['version', 'reconcileStrategy']));
    assert.equal(hc.spec.version, '*');
    assert.equal(hc.spec.reconcileStrategy, 'ChartVersion');
  });

  it('accepts every optional field Flux documents, verify defaulting to cosign', () => {
    const result = validate(
      HelmChartSchema,
      withSpec(chart, {
        sourceRef: { kind: 'GitRepository', name: 'charts' },
        chart: './charts/podinfo',
        reconcileStrategy: 'Revision',
        valuesFiles: ['values.yaml', 'values-prod.yaml'],
        ignoreMissingValuesFiles: true,
        verify: { matchOIDCIdentity: [{ issuer: '^https://token.actions.githubusercontent.com$', subject: '.*' }] },
        suspend: true,
      })
    );
    assert.ok(result.ok, result.ok ? '' : result.message);
    assert.equal(result.value.spec.verify?.provider, 'cosign');
  });

  it('keeps a status written by a controller', () => {
    const object = parse(chart) as Record<string, unknown>;
    object['status'] = {
      observedGeneration: 1,
      observedSourceArtifactRevision: 'sha256:abc',
      observedChartName: 'podinfo',
      observedValuesFiles: [],
      url: 'http://source-controller.flux-system.svc.cluster.local./helmchart/default/podinfo/latest.tar.gz',
    };
    assert.equal(HelmChartSchema.parse(object).status.observedChartName, 'podinfo');
  });

  it('rejects a source kind a chart cannot come from, naming spec.sourceRef.kind', () => {
    const message = errorOf(HelmChartSchema, withSpec(chart, { sourceRef: { kind: 'OCIRepository', name: 'x' } }));
    assert.match(message, /^spec\.sourceRef\.kind: .*"HelmRepository"/m);
  });

  it('rejects a missing chart and interval, naming both', () => {
    const message = errorOf(HelmChartSchema, withSpec(chart, {}, ['chart', 'interval']));
    assert.match(message, /^spec\.chart: required/m);
    assert.match(message, /^spec\.interval: required/m);
  });

  it('describes itself as Flux names it', () => {
    assert.deepEqual(HelmChartKind.shortNames, ['hc']);
    assert.deepEqual(
      HelmChartKind.printerColumns.map((c) => c.name),
      ['Chart', 'Version', 'Source Kind', 'Source Name', 'Age', 'Ready', 'Status']
    );
  });
});
