import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { KustomizationKind, KustomizationSchema } from '../../../api/kustomization.js';
import { validate } from '../../../api/meta.js';

// The shape of the examples in Flux's Kustomization docs: prune, substitution and patches.
const manifest = `
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 10m
  targetNamespace: default
  sourceRef:
    kind: GitRepository
    name: podinfo
  path: "./kustomize"
  prune: true
  timeout: 1m
  postBuild:
    substitute:
      cluster_env: "prod"
      cluster_region: "eu-central-1"
    substituteFrom:
      - kind: ConfigMap
        name: cluster-vars
      - kind: Secret
        name: cluster-secret-vars
        optional: true
  patches:
    - patch: |-
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: not-used
        spec:
          template:
            metadata:
              annotations:
                cluster-autoscaler.kubernetes.io/safe-to-evict: "true"
      target:
        kind: Deployment
        labelSelector: "app.kubernetes.io/part-of=my-app"
    - patch: |
        - op: add
          path: /spec/template/spec/securityContext
          value:
            runAsUser: 10000
      target:
        kind: Deployment
        name: podinfo
`;

function withSpec(patch: Record<string, unknown>, drop: string[] = []): unknown {
  const object = parse(manifest) as { spec: Record<string, unknown> };
  for (const key of drop) delete object.spec[key];
  Object.assign(object.spec, patch);
  return object;
}

function errorOf(input: unknown): string {
  const result = validate(KustomizationSchema, input);
  assert.equal(result.ok, false, 'expected the object to be rejected');
  return result.ok ? '' : result.message;
}

describe('Kustomization schema', () => {
  it('accepts the Flux docs example with prune, substitution and patches', () => {
    const ks = KustomizationSchema.parse(parse(manifest));
    assert.equal(ks.spec.prune, true);
    assert.equal(ks.spec.sourceRef.kind, 'GitRepository');
    assert.equal(ks.spec.postBuild?.substitute?.['cluster_env'], 'prod');
    assert.deepEqual(
      ks.spec.postBuild?.substituteFrom?.map((s) => s.optional),
      [false, true]
    );
    assert.equal(ks.spec.patches?.length, 2);
    assert.equal(ks.spec.patches?.[0]?.target?.labelSelector, 'app.kubernetes.io/part-of=my-app');
  });

  it('fills in Flux defaults and leaves the Ballast extension off', () => {
    const ks = KustomizationSchema.parse(parse(manifest));
    assert.equal(ks.spec.deletionPolicy, 'MirrorPrune');
    assert.equal(ks.spec.force, false);
    assert.equal(ks.spec.rollback, undefined);
    assert.deepEqual(ks.status, { observedGeneration: -1 });
    const withRollback = KustomizationSchema.parse(withSpec({ rollback: {} }));
    assert.deepEqual(withRollback.spec.rollback, { enabled: false });
  });

  it('accepts every other field Flux documents', () => {
    const result = validate(
      KustomizationSchema,
      withSpec({
        retryInterval: '2m',
        deletionPolicy: 'WaitForTermination',
        dependsOn: [{ name: 'infra', namespace: 'flux-system', readyExpr: 'dep.status.ready' }],
        healthChecks: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo', namespace: 'default' }],
        healthCheckExprs: [
          { apiVersion: 'example.com/v1', kind: 'Widget', current: 'status.ready', failed: 'status.error' },
        ],
        wait: true,
        force: true,
        namePrefix: 'pre-',
        nameSuffix: '-suf',
        commonMetadata: { labels: { team: 'a' }, annotations: { note: 'b' } },
        images: [{ name: 'podinfo', newName: 'ghcr.io/stefanprodan/podinfo', newTag: '6.5.0' }],
        components: ['../components/ingress'],
        ignoreMissingComponents: true,
        buildMetadata: ['originAnnotations'],
        decryption: { provider: 'sops', secretRef: { name: 'sops-age' } },
        serviceAccountName: 'deployer',
        kubeConfig: { secretRef: { name: 'remote', key: 'value' } },
        suspend: false,
        ignore: [{ paths: ['/spec/replicas'], target: { kind: 'Deployment' } }],
        rollback: { enabled: true },
      })
    );
    assert.ok(result.ok, result.ok ? '' : result.message);
  });

  it('rejects a missing interval, naming spec.interval', () => {
    assert.match(errorOf(withSpec({}, ['interval'])), /^spec\.interval: required/m);
  });

  it('rejects a malformed duration, naming the field', () => {
    assert.match(errorOf(withSpec({ retryInterval: '5 minutes' })), /^spec\.retryInterval: must be a duration/m);
  });

  it('rejects a source kind a Kustomization cannot build, naming spec.sourceRef.kind', () => {
    const message = errorOf(withSpec({ sourceRef: { kind: 'HelmRepository', name: 'podinfo' } }));
    assert.match(message, /^spec\.sourceRef\.kind: .*"GitRepository"/m);
  });

  it('rejects a missing prune, which Flux requires', () => {
    assert.match(errorOf(withSpec({}, ['prune'])), /^spec\.prune: required/m);
  });

  it('names the index of a bad list item', () => {
    const message = errorOf(withSpec({ postBuild: { substituteFrom: [{ kind: 'Pod', name: 'x' }] } }));
    assert.match(message, /^spec\.postBuild\.substituteFrom\[0\]\.kind: /m);
  });

  it('describes itself as Flux names it', () => {
    assert.equal(KustomizationKind.plural, 'kustomizations');
    assert.deepEqual(KustomizationKind.shortNames, ['ks']);
    assert.deepEqual(
      KustomizationKind.printerColumns.map((c) => c.name),
      ['Age', 'Ready', 'Status']
    );
  });
});
