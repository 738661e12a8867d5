import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { AlertSchema } from '../../../api/alert.js';
import { validate } from '../../../api/meta.js';
import { ProviderSchema } from '../../../api/provider.js';

// The shapes of the examples in Flux's Provider and Alert docs (docs/spec/v1beta3).
const slackProvider = `
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: slack-bot
  namespace: flux-system
spec:
  type: slack
  channel: general
  address: https://slack.com/api/chat.postMessage
  secretRef:
    name: slack-token
`;

const githubProvider = `
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: github
  namespace: flux-system
spec:
  type: github
  address: https://github.com/stefanprodan/podinfo
  secretRef:
    name: api-token
  commitStatusExpr: "(event.involvedObject.kind + '/' + event.involvedObject.name).lowerAscii()"
`;

const alert = `
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: on-call-webapp
  namespace: flux-system
spec:
  summary: "production cluster"
  providerRef:
    name: on-call-slack
  eventSeverity: error
  eventSources:
    - kind: GitRepository
      name: '*'
    - kind: Kustomization
      name: '*'
      matchLabels:
        team: webapp
  inclusionList:
    - ".*succeeded.*"
  exclusionList:
    - "^Dependencies.*"
  eventMetadata:
    env: production
`;

describe('Provider and Alert schemas', () => {
  it("accept Flux's documented examples", () => {
    for (const doc of [slackProvider, githubProvider]) assert.equal(validate(ProviderSchema, parse(doc)).ok, true);
    const parsed = validate(AlertSchema, parse(alert));
    assert.ok(parsed.ok);
    assert.equal(parsed.value.spec.eventSources[1]?.matchLabels?.team, 'webapp');
  });

  it('default eventSeverity to info', () => {
    const doc = parse(alert) as { spec: Record<string, unknown> };
    delete doc.spec.eventSeverity;
    const parsed = validate(AlertSchema, doc);
    assert.ok(parsed.ok && parsed.value.spec.eventSeverity === 'info');
  });

  it('reject bad input with the field and what is wrong', () => {
    const bad = (yaml: string, edit: (spec: Record<string, unknown>) => void): string => {
      const doc = parse(yaml) as { kind: string; spec: Record<string, unknown> };
      edit(doc.spec);
      const r = doc.kind === 'Alert' ? validate(AlertSchema, doc) : validate(ProviderSchema, doc);
      assert.equal(r.ok, false);
      return r.ok ? '' : r.message;
    };
    assert.match(
      bad(slackProvider, (s) => (s.type = 'carrier-pigeon')),
      /spec\.type/
    );
    assert.match(
      bad(slackProvider, (s) => (s.timeout = '1h')),
      /spec\.timeout: must be a duration such as 15s or 1m/
    );
    assert.match(
      bad(slackProvider, (s) => (s.commitStatusExpr = "'x'")),
      /commitStatusExpr is only supported for the 'github'/
    );
    assert.match(
      bad(alert, (s) => (s.eventSources = [{ kind: 'Deployment', name: '*' }])),
      /spec\.eventSources\[0\]\.kind/
    );
    assert.match(
      bad(alert, (s) => (s.eventSeverity = 'warning')),
      /spec\.eventSeverity/
    );
  });
});
