import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { GitRepositoryKind, GitRepositorySchema } from '../../../api/gitrepository.js';
import { validate } from '../../../api/meta.js';

// The shape of the example in Flux's GitRepository docs.
const manifest = `
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: podinfo
  namespace: default
spec:
  interval: 5m0s
  url: https://github.com/stefanprodan/podinfo
  ref:
    branch: master
`;

function withSpec(patch: Record<string, unknown>, drop: string[] = []): unknown {
  const object = parse(manifest) as { spec: Record<string, unknown> };
  for (const key of drop) delete object.spec[key];
  Object.assign(object.spec, patch);
  return object;
}

function errorOf(input: unknown): string {
  const result = validate(GitRepositorySchema, input);
  assert.equal(result.ok, false, 'expected the object to be rejected');
  return result.ok ? '' : result.message;
}

describe('GitRepository schema', () => {
  it('accepts the Flux docs example and fills in Flux defaults', () => {
    const repo = GitRepositorySchema.parse(parse(manifest));
    assert.equal(repo.spec.url, 'https://github.com/stefanprodan/podinfo');
    assert.equal(repo.spec.ref?.branch, 'master');
    assert.equal(repo.spec.timeout, '60s');
    assert.deepEqual(repo.status, { observedGeneration: -1 });
  });

  it('accepts every optional field Flux documents', () => {
    const result = validate(
      GitRepositorySchema,
      withSpec({
        secretRef: { name: 'auth' },
        provider: 'github',
        timeout: '2m',
        ref: { semver: '>=1.0.0', name: 'refs/tags/v1.0.0', commit: 'abc123' },
        verify: { secretRef: { name: 'pgp' } },
        proxySecretRef: { name: 'proxy' },
        ignore: '/*\n!/deploy\n',
        suspend: false,
        recurseSubmodules: true,
        include: [{ repository: { name: 'other' }, fromPath: 'deploy', toPath: 'other' }],
        sparseCheckout: ['deploy/'],
      })
    );
    assert.ok(result.ok, result.ok ? '' : result.message);
    assert.equal(result.value.spec.verify?.mode, 'HEAD');
  });

  it('keeps a status written by a controller', () => {
    const object = withSpec({}) as Record<string, unknown>;
    object['status'] = {
      observedGeneration: 2,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'Succeeded',
          message: 'stored artifact',
          lastTransitionTime: '2026-01-02T03:04:05Z',
        },
      ],
      artifact: {
        path: 'gitrepository/default/podinfo/abc.tar.gz',
        url: 'http://source-controller.flux-system.svc.cluster.local./gitrepository/default/podinfo/abc.tar.gz',
        revision: 'master@sha1:363a6a8fe6a7f13e05d34c163b0ef02a777da20a',
        digest: 'sha256:1f0e3fd0b3a5d9f4e1e3c5e5c2c1b0a0d9e8f7e6d5c4b3a2918070605040302',
        lastUpdateTime: '2026-01-02T03:04:05Z',
        size: 1024,
      },
    };
    const repo = GitRepositorySchema.parse(object);
    assert.equal(repo.status.artifact?.revision, 'master@sha1:363a6a8fe6a7f13e05d34c163b0ef02a777da20a');
  });

  it('reads metadata timestamps as strings whether they arrive as JSON strings or client-node Dates', () => {
    const object = withSpec({}) as { metadata: Record<string, unknown> };
    object.metadata['creationTimestamp'] = new Date('2026-01-02T03:04:05Z');
    object.metadata['deletionTimestamp'] = '2026-01-03T00:00:00Z';
    const repo = GitRepositorySchema.parse(object);
    assert.equal(repo.metadata.creationTimestamp, '2026-01-02T03:04:05Z');
    assert.equal(repo.metadata.deletionTimestamp, '2026-01-03T00:00:00Z');
  });

  it('rejects a missing interval, naming spec.interval', () => {
    assert.match(errorOf(withSpec({}, ['interval'])), /^spec\.interval: required/m);
  });

  it('rejects a malformed duration, naming the field and the expected form', () => {
    assert.match(errorOf(withSpec({ timeout: '1 minute' })), /^spec\.timeout: must be a duration such as 30s/m);
  });

  it('rejects a URL that is not http, https or ssh', () => {
    assert.match(
      errorOf(withSpec({ url: 'git@github.com:org/repo.git' })),
      /^spec\.url: must be an http:\/\/, https:\/\/ or ssh:\/\/ URL/m
    );
  });

  it('rejects an unknown provider, naming spec.provider', () => {
    assert.match(errorOf(withSpec({ provider: 'gitlab' })), /^spec\.provider: /m);
  });

  it('rejects another kind or API version', () => {
    const object = withSpec({}) as Record<string, unknown>;
    object['apiVersion'] = 'source.toolkit.fluxcd.io/v1beta2';
    assert.match(errorOf(object), /^apiVersion: /m);
  });

  it('describes itself as Flux names it', () => {
    assert.equal(GitRepositoryKind.apiVersion, `${GitRepositoryKind.group}/${GitRepositoryKind.version}`);
    assert.deepEqual(GitRepositoryKind.shortNames, ['gitrepo']);
    assert.deepEqual(
      GitRepositoryKind.printerColumns.map((c) => c.name),
      ['URL', 'Age', 'Ready', 'Status']
    );
  });
});
