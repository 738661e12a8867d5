import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AlertKind } from '../../../api/alert.js';
import { ProviderKind } from '../../../api/provider.js';
import { startHttpSink, type HttpSink } from '../../../tools/localenv/http-sink.js';
import { condition } from '../../support/cluster.js';
import { configMap, setupGitOps, type GitOpsFixture } from '../../support/gitops.js';

interface PostedEvent {
  involvedObject: { kind: string; namespace: string; name: string };
  severity: string;
  reason: string;
  message: string;
  metadata?: Record<string, string>;
  reportingController: string;
}

// End to end: a Kustomization fails → the worker's status writer emits Flux's event → the Alert
// selects it → the Provider's delivery workflow POSTs it to a generic webhook.
describe('Alert: a failing Kustomization notifies a generic Provider', () => {
  let f: GitOpsFixture;
  let sink: HttpSink;
  before(async () => {
    f = await setupGitOps('notify-e2e');
    sink = await startHttpSink();
  });
  after(async () => {
    await sink?.close();
    await f?.close();
  });

  it('POSTs the error event, with the revision, to the webhook', async () => {
    await f.cluster.createFlux(ProviderKind, f.ns, 'webhook', { type: 'generic', address: `${sink.url}/flux-events` });
    await f.cluster.createFlux(AlertKind, f.ns, 'errors', {
      providerRef: { name: 'webhook' },
      eventSeverity: 'error',
      eventSources: [{ kind: 'Kustomization', name: '*' }],
    });
    const good = await f.push({ 'cm.yaml': configMap('settings', 'v1') });
    await f.kustomization('app', {});
    await f.waitReady('app', good);

    const broken = await f.push({ 'broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: [unclosed\n' });
    await f.waitFor('app', (ks) => condition(ks, 'Ready')?.status === 'False');
    const posted = (r: { body: string }): PostedEvent => JSON.parse(r.body) as PostedEvent;
    const req = await sink.waitFor((r) => r.path === '/flux-events' && posted(r).reason === 'BuildFailed', 60_000);
    const failure = posted(req);
    assert.equal(req.headers['gotk-component'], 'kustomize-controller');
    const { kind, namespace, name } = failure.involvedObject;
    assert.deepEqual({ kind, namespace, name }, { kind: 'Kustomization', namespace: f.ns, name: 'app' });
    assert.equal(failure.severity, 'error');
    assert.ok(
      failure.metadata?.revision?.endsWith(broken),
      `revision of the failed commit: ${JSON.stringify(failure.metadata)}`
    );
    // The Alert lets only errors through: the successful apply of the good commit was not sent.
    const seen = sink.requests.map((r) => `${posted(r).severity} ${posted(r).reason}`);
    assert.ok(
      seen.every((s) => s.startsWith('error ')),
      seen.join(', ')
    );
  });
});
