import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { remediationPolicyOf } from '../../../api/helmrelease-actions.js';
import { HelmReleaseKind, HelmReleaseSchema } from '../../../api/helmrelease.js';
import { validate } from '../../../api/meta.js';

// The shape of the first example in Flux's HelmRelease docs: a chart template and inline values.
const manifest = `
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: default
spec:
  interval: 5m
  chart:
    spec:
      chart: podinfo
      version: '6.5.*'
      sourceRef:
        kind: HelmRepository
        name: podinfo
      interval: 1m
  values:
    replicaCount: 2
`;

// The chartRef example of the same docs.
const chartRefManifest = `
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: default
spec:
  interval: 10m
  chartRef:
    kind: OCIRepository
    name: podinfo
    namespace: default
  values:
    replicaCount: 2
`;

function withSpec(patch: Record<string, unknown>, drop: string[] = [], base = manifest): unknown {
  const object = parse(base) as { spec: Record<string, unknown> };
  for (const key of drop) delete object.spec[key];
  Object.assign(object.spec, patch);
  return object;
}

function errorOf(input: unknown): string {
  const result = validate(HelmReleaseSchema, input);
  assert.equal(result.ok, false, 'expected the object to be rejected');
  return result.ok ? '' : result.message;
}

describe('HelmRelease schema', () => {
  it('accepts the Flux docs chart-template example and fills in Flux defaults', () => {
    const hr = HelmReleaseSchema.parse(parse(manifest));
    assert.equal(hr.spec.chart?.spec.chart, 'podinfo');
    assert.equal(hr.spec.chart?.spec.reconcileStrategy, 'ChartVersion');
    assert.equal(hr.spec.maxHistory, 5);
    assert.deepEqual(hr.spec.values, { replicaCount: 2 });
    assert.deepEqual(hr.status, { observedGeneration: -1 });
  });

  it('accepts the Flux docs chartRef example', () => {
    const hr = HelmReleaseSchema.parse(parse(chartRefManifest));
    assert.deepEqual(hr.spec.chartRef, { kind: 'OCIRepository', name: 'podinfo', namespace: 'default' });
  });

  it('keeps free-form values of any depth and type', () => {
    const values = { a: { b: [1, 'two', { c: null }] }, enabled: true, ratio: 0.5 };
    assert.deepEqual(HelmReleaseSchema.parse(withSpec({ values })).spec.values, values);
  });

  it('accepts every other field Flux documents', () => {
    const result = validate(
      HelmReleaseSchema,
      withSpec({
        chart: {
          metadata: { labels: { team: 'a' }, annotations: { note: 'b' } },
          spec: {
            chart: 'podinfo',
            sourceRef: { kind: 'HelmRepository', name: 'podinfo', namespace: 'flux-system' },
            reconcileStrategy: 'Revision',
            valuesFiles: ['values-prod.yaml'],
            ignoreMissingValuesFiles: true,
            verify: { provider: 'notation', secretRef: { name: 'trust' } },
          },
        },
        timeout: '10m',
        releaseName: 'podinfo',
        targetNamespace: 'apps',
        storageNamespace: 'flux-system',
        dependsOn: [{ name: 'cert-manager', namespace: 'infra', readyExpr: 'dep.status.ready' }],
        serviceAccountName: 'deployer',
        kubeConfig: { secretRef: { name: 'remote' } },
        persistentClient: false,
        maxHistory: 0,
        valuesFrom: [
          { kind: 'ConfigMap', name: 'common' },
          { kind: 'Secret', name: 'db', valuesKey: 'password', targetPath: 'db.auth[0].password', optional: true },
          { kind: 'Secret', name: 'raw', valuesKey: 'cert', targetPath: 'tls.crt', literal: true },
        ],
        install: {
          timeout: '5m',
          strategy: { name: 'RetryOnFailure', retryInterval: '2m' },
          remediation: { retries: 3, ignoreTestFailures: true, remediateLastFailure: true },
          disableTakeOwnership: true,
          disableWait: false,
          disableWaitForJobs: true,
          disableHooks: false,
          disableOpenAPIValidation: true,
          disableSchemaValidation: true,
          replace: true,
          crds: 'CreateReplace',
          createNamespace: true,
          serverSideApply: true,
        },
        upgrade: {
          timeout: '5m',
          strategy: { name: 'RemediateOnFailure' },
          remediation: { retries: -1, remediateLastFailure: false, strategy: 'uninstall' },
          force: true,
          preserveValues: false,
          cleanupOnFail: true,
          crds: 'Skip',
          serverSideApply: 'auto',
          chartNameChangeStrategy: 'InPlaceUpdate',
        },
        test: { enable: true, timeout: '3m', ignoreFailures: false, filters: [{ name: 'smoke', exclude: true }] },
        rollback: { timeout: '5m', disableWait: true, recreate: false, force: true, cleanupOnFail: true },
        uninstall: { timeout: '5m', keepHistory: true, disableWait: true, deletionPropagation: 'foreground' },
        driftDetection: { mode: 'enabled', ignore: [{ paths: ['/spec/replicas'], target: { kind: 'Deployment' } }] },
        postRenderers: [
          {
            kustomize: {
              patches: [{ patch: '- op: remove\n  path: /metadata/labels/x\n', target: { kind: 'Service' } }],
              images: [{ name: 'podinfo', newTag: '6.5.0' }],
            },
          },
        ],
        postRenderStrategy: 'separate',
        commonMetadata: { labels: { env: 'prod' } },
        waitStrategy: { name: 'legacy' },
        healthCheckExprs: [{ apiVersion: 'example.com/v1', kind: 'Widget', current: 'status.ready' }],
        suspend: false,
      })
    );
    assert.ok(result.ok, result.ok ? '' : result.message);
    assert.equal(result.value.spec.valuesFrom?.[0]?.valuesKey, 'values.yaml');
    assert.equal(result.value.spec.valuesFrom?.[0]?.optional, false);
    assert.equal(result.value.spec.uninstall?.deletionPropagation, 'foreground');
  });

  it('keeps a status written by a controller, history and counters included', () => {
    const object = parse(manifest) as Record<string, unknown>;
    object['status'] = {
      observedGeneration: 2,
      lastAttemptedGeneration: 2,
      helmChart: 'default/default-podinfo',
      storageNamespace: 'default',
      history: [
        {
          digest: 'sha256:aaa',
          name: 'podinfo',
          namespace: 'default',
          version: 2,
          status: 'deployed',
          chartName: 'podinfo',
          chartVersion: '6.5.4',
          configDigest: 'sha256:bbb',
          firstDeployed: '2026-01-02T03:04:05Z',
          lastDeployed: '2026-01-02T03:04:05Z',
          testHooks: { 'podinfo-grpc-test': { phase: 'Succeeded', lastCompleted: '2026-01-02T03:05:00Z' } },
        },
      ],
      lastAttemptedReleaseAction: 'upgrade',
      lastAttemptedReleaseActionDuration: '12s',
      failures: 0,
      installFailures: 0,
      upgradeFailures: 1,
      lastAttemptedRevision: '6.5.4',
      lastAttemptedConfigDigest: 'sha256:bbb',
      lastHandledForceAt: '2026-01-02T03:00:00Z',
      inventory: { entries: [{ id: 'default_podinfo_apps_Deployment', v: 'v1' }] },
    };
    const hr = HelmReleaseSchema.parse(object);
    assert.equal(hr.status.history?.[0]?.testHooks?.['podinfo-grpc-test']?.phase, 'Succeeded');
    assert.equal(hr.status.upgradeFailures, 1);
  });

  it('rejects neither chart nor chartRef', () => {
    assert.match(errorOf(withSpec({}, ['chart'])), /^spec: exactly one of chart or chartRef must be set/m);
  });

  it('rejects both chart and chartRef', () => {
    const both = withSpec({ chartRef: { kind: 'HelmChart', name: 'podinfo' } });
    assert.match(errorOf(both), /^spec: exactly one of chart or chartRef must be set/m);
  });

  it('rejects a chartRef kind helm-controller cannot read, naming spec.chartRef.kind', () => {
    const message = errorOf(withSpec({ chartRef: { kind: 'GitRepository', name: 'x' } }, ['chart']));
    assert.match(message, /^spec\.chartRef\.kind: .*"OCIRepository"/m);
  });

  it('rejects a missing interval, naming spec.interval', () => {
    assert.match(errorOf(withSpec({}, ['interval'])), /^spec\.interval: required/m);
  });

  it('rejects a release name Helm cannot store, naming spec.releaseName', () => {
    assert.match(errorOf(withSpec({ releaseName: 'x'.repeat(54) })), /^spec\.releaseName: /m);
  });

  it('names the index and field of a bad valuesFrom entry', () => {
    const message = errorOf(withSpec({ valuesFrom: [{ kind: 'ConfigMap', name: 'a', targetPath: 'a b' }] }));
    assert.match(message, /^spec\.valuesFrom\[0\]\.targetPath: must be a --set path/m);
  });

  it('rejects an unknown remediation strategy and drift mode, naming both', () => {
    const message = errorOf(
      withSpec({ upgrade: { remediation: { strategy: 'retry' } }, driftDetection: { mode: 'on' } })
    );
    assert.match(message, /^spec\.upgrade\.remediation\.strategy: /m);
    assert.match(message, /^spec\.driftDetection\.mode: /m);
  });

  it('rejects values that are not a map', () => {
    assert.match(errorOf(withSpec({ values: ['a'] })), /^spec\.values: /m);
  });

  it('describes itself as Flux names it', () => {
    assert.equal(HelmReleaseKind.apiVersion, 'helm.toolkit.fluxcd.io/v2');
    assert.deepEqual(HelmReleaseKind.shortNames, ['hr']);
    assert.deepEqual(
      HelmReleaseKind.printerColumns.map((c) => c.name),
      ['Age', 'Ready', 'Status']
    );
  });
});

describe('remediationPolicyOf', () => {
  it('resolves Flux defaults: no retries, uninstall for install, rollback for upgrade', () => {
    const none = {};
    assert.deepEqual(remediationPolicyOf('install', none), {
      retries: 0,
      remediateLastFailure: false,
      strategy: 'uninstall',
      ignoreTestFailures: false,
      onFailure: 'RemediateOnFailure',
    });
    assert.equal(remediationPolicyOf('upgrade', none).strategy, 'rollback');
  });

  it('remediates the last upgrade failure by default only when retries are set', () => {
    assert.equal(
      remediationPolicyOf('upgrade', { upgrade: { remediation: { retries: 2 } } }).remediateLastFailure,
      true
    );
    assert.equal(
      remediationPolicyOf('install', { install: { remediation: { retries: 2 } } }).remediateLastFailure,
      false
    );
  });

  it('falls back to test.ignoreFailures and reads the action strategy', () => {
    const policy = remediationPolicyOf('upgrade', {
      test: { ignoreFailures: true },
      upgrade: { strategy: { name: 'RetryOnFailure' } },
    });
    assert.equal(policy.ignoreTestFailures, true);
    assert.equal(policy.onFailure, 'RetryOnFailure');
  });
});
