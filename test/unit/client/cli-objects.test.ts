import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveGetTarget, resolveKind } from '../../../client/cli/kinds.js';
import { sourceOf } from '../../../client/cli/reconcile.js';
import { summarize, suspendedCell } from '../../../client/cli/summary.js';
import { actorName, resumePatch, suspendPatch, suspensionOf, SuspendAnnotation } from '../../../client/suspension.js';
import { parseGitRef } from '../../../client/preview.js';
import { ExitCode } from '../../../client/cli/errors.js';

describe('kind names', () => {
  const cases: [string, string][] = [
    ['ks', 'Kustomization'],
    ['Kustomizations', 'Kustomization'],
    ['kustomization', 'Kustomization'],
    ['hr', 'HelmRelease'],
    ['gitrepo', 'GitRepository'],
    ['GitRepositories', 'GitRepository'],
    ['hc', 'HelmChart'],
    ['helmrepo', 'HelmRepository'],
  ];
  for (const [word, kind] of cases) it(`${word} is ${kind}`, () => assert.equal(resolveKind(word).kind, kind));

  it('an unknown kind is a usage error that lists the accepted names', () => {
    assert.throws(
      () => resolveKind('deployment'),
      (err: { exitCode: number; message: string }) =>
        err.exitCode === ExitCode.Usage && /kustomization\|ks/.test(err.message)
    );
  });

  it('get accepts sources and all', () => {
    assert.deepEqual(
      resolveGetTarget('sources').map((k) => k.kind),
      ['GitRepository', 'HelmRepository', 'HelmChart']
    );
    const all = resolveGetTarget('all').map((k) => k.kind);
    for (const k of ['Kustomization', 'HelmRelease', 'GitRepository']) assert.ok(all.includes(k), k);
  });
});

describe('suspension annotations', () => {
  it('names who acts from $USER and the kubeconfig user', () => {
    assert.equal(actorName({ login: 'alice', kubeUser: 'admin' }), 'alice (kubeconfig user admin)');
    assert.equal(actorName({ login: 'alice', kubeUser: 'alice' }), 'alice');
    assert.equal(actorName({ kubeUser: 'admin' }), 'admin');
    assert.equal(actorName({}), 'unknown');
  });

  it('suspend records who, why and when; resume removes all three', () => {
    const patch = suspendPatch('alice', 'db migration', new Date('2026-03-01T12:00:00.123Z'));
    assert.deepEqual(patch, {
      metadata: {
        annotations: {
          [SuspendAnnotation.by]: 'alice',
          [SuspendAnnotation.reason]: 'db migration',
          [SuspendAnnotation.at]: '2026-03-01T12:00:00Z',
        },
      },
      spec: { suspend: true },
    });
    const noReason = suspendPatch('alice', undefined, new Date());
    assert.equal(
      (noReason.metadata as { annotations: Record<string, unknown> }).annotations[SuspendAnnotation.reason],
      null
    );
    assert.deepEqual(resumePatch(), {
      metadata: {
        annotations: { [SuspendAnnotation.by]: null, [SuspendAnnotation.reason]: null, [SuspendAnnotation.at]: null },
      },
      spec: { suspend: false },
    });
  });

  it('reads a suspension only while spec.suspend is true', () => {
    const annotations = { [SuspendAnnotation.by]: 'alice', [SuspendAnnotation.reason]: 'why' };
    assert.deepEqual(suspensionOf({ metadata: { annotations }, spec: { suspend: true } }), {
      suspended: true,
      by: 'alice',
      reason: 'why',
    });
    assert.deepEqual(suspensionOf({ metadata: { annotations }, spec: { suspend: false } }), { suspended: false });
  });
});

describe('get summary', () => {
  it('reads Ready, revision and suspension of a Kustomization', () => {
    const s = summarize('Kustomization', {
      metadata: {
        name: 'app',
        namespace: 'apps',
        creationTimestamp: '2026-03-01T00:00:00Z',
        annotations: { [SuspendAnnotation.by]: 'alice', [SuspendAnnotation.reason]: 'freeze' },
      },
      spec: { suspend: true },
      status: {
        conditions: [{ type: 'Ready', status: 'False', reason: 'BuildFailed', message: 'bad yaml' }],
        lastAppliedRevision: 'main@sha1:1',
        lastAttemptedRevision: 'main@sha1:2',
      },
    });
    assert.equal(s.ready, 'False');
    assert.equal(s.reason, 'BuildFailed');
    assert.equal(s.revision, 'main@sha1:1');
    assert.equal(suspendedCell(s), 'True by alice: freeze');
  });

  it('uses the artifact for sources, the release for HelmReleases, Unknown without Ready', () => {
    const src = summarize('GitRepository', {
      metadata: { name: 'r' },
      status: { artifact: { revision: 'main@sha1:9' } },
    });
    assert.equal(src.revision, 'main@sha1:9');
    assert.equal(src.ready, 'Unknown');
    assert.equal(suspendedCell(src), 'False');
    const hr = summarize('HelmRelease', {
      metadata: { name: 'h' },
      status: { history: [{ chartName: 'podinfo', chartVersion: '6.1.0', version: 3 }] },
    });
    assert.equal(hr.revision, 'podinfo@6.1.0');
  });
});

describe('--with-source', () => {
  it("is a Kustomization's sourceRef, defaulting to its namespace", () => {
    const ks = {
      metadata: { name: 'app', namespace: 'apps' },
      spec: { sourceRef: { kind: 'GitRepository', name: 'repo' } },
    };
    assert.deepEqual(sourceOf('Kustomization', ks), { kind: 'GitRepository', namespace: 'apps', name: 'repo' });
  });
  it('is the HelmChart a HelmRelease generates (in its source namespace) or its chartRef', () => {
    const generated = {
      metadata: { name: 'web', namespace: 'apps' },
      spec: { chart: { spec: { sourceRef: { kind: 'HelmRepository', name: 'r', namespace: 'flux' } } } },
    };
    assert.deepEqual(sourceOf('HelmRelease', generated), { kind: 'HelmChart', namespace: 'flux', name: 'apps-web' });
    const referenced = {
      metadata: { name: 'web', namespace: 'apps' },
      spec: { chartRef: { kind: 'HelmChart', name: 'c' } },
    };
    assert.deepEqual(sourceOf('HelmRelease', referenced), { kind: 'HelmChart', namespace: 'apps', name: 'c' });
  });
  it('is nothing for a source', () => {
    assert.equal(sourceOf('GitRepository', { metadata: { name: 'r' }, spec: { url: 'https://x' } }), undefined);
  });
});

describe('--ref', () => {
  it('reads a full SHA as a commit, refs/… as a name, anything else as a branch', () => {
    const sha = 'A'.repeat(40);
    assert.deepEqual(parseGitRef(sha), { commit: 'a'.repeat(40) });
    assert.deepEqual(parseGitRef('refs/pull/1/head'), { name: 'refs/pull/1/head' });
    assert.deepEqual(parseGitRef('feature/x'), { branch: 'feature/x' });
    assert.throws(() => parseGitRef(''), /--ref must name/);
  });
});
