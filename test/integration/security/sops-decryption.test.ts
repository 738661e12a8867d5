import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { workflowIdFor } from '../../../api/workflow-ids.js';
import { toolPath } from '../../../tools/toolchain/build.js';
import { condition } from '../../support/cluster.js';
import { configMap, setupGitOps, type GitOpsFixture } from '../../support/gitops.js';
import { DECODED_PAYLOAD, historyText } from '../../support/history.js';

const run = promisify(execFile);
const PLAINTEXT = 'sops-plaintext-must-stay-in-the-activity';

interface AgeKey {
  secret: string;
  recipient: string;
}

/** A fresh age identity from the real age-keygen. */
async function ageKey(): Promise<AgeKey> {
  const { stdout } = await run(toolPath('age-keygen'), []);
  const secret = stdout.match(/AGE-SECRET-KEY-1[0-9A-Z]+/)?.[0];
  const recipient = stdout.match(/public key: (age1[0-9a-z]+)/)?.[1];
  assert.ok(secret && recipient, 'age-keygen printed a key');
  return { secret, recipient };
}

/** Encrypts a Secret manifest's data to `recipient` with the real sops, as a user would before committing. */
async function encryptSecret(name: string, value: string, recipient: string): Promise<string> {
  const plain = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\ntype: Opaque\nstringData:\n  password: ${value}\n`;
  const args = ['encrypt', '--age', recipient, '--encrypted-regex', '^(data|stringData)$'];
  const pending = run(toolPath('sops'), [...args, '--filename-override', 'secret.yaml'], {
    env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent' },
  });
  pending.child.stdin?.end(plain);
  const { stdout } = await pending;
  assert.ok(!stdout.includes(value) && stdout.includes('mac: ENC['), 'the committed manifest is encrypted');
  return stdout;
}

describe('Kustomization: SOPS decryption with age keys', () => {
  let f: GitOpsFixture;
  let key: AgeKey;
  let otherKey: AgeKey;
  before(async () => {
    f = await setupGitOps('ks-sops');
    [key, otherKey] = await Promise.all([ageKey(), ageKey()]);
    await f.cluster.core.createNamespacedSecret({
      namespace: f.ns,
      body: { metadata: { name: 'sops-age' }, stringData: { 'age.agekey': `${key.secret}\n`, 'notes.txt': 'ignored' } },
    });
  });
  after(async () => f?.close());

  const secretValue = async (name: string): Promise<string | undefined> => {
    const s = (await f.cluster.get('v1', 'Secret', f.ns, name)) as { data?: { password?: string } } | undefined;
    return s?.data?.password === undefined ? undefined : Buffer.from(s.data.password, 'base64').toString('utf8');
  };

  it('applies the decrypted Secret, and the plaintext never enters workflow history', async () => {
    const rev = await f.push({ 'ok/secret.yaml': await encryptSecret('db', PLAINTEXT, key.recipient) });
    await f.kustomization('ok', { path: './ok', decryption: { provider: 'sops', secretRef: { name: 'sops-age' } } });
    await f.waitReady('ok', rev);
    assert.equal(await secretValue('db'), PLAINTEXT);

    const id = workflowIdFor({ cluster: f.ballast.clusterName, kind: 'Kustomization', namespace: f.ns, name: 'ok' });
    const text = historyText(await f.ballast.client.workflow.getHandle(id).fetchHistory());
    // Payload JSON sits escaped inside the history's JSON: `\"generation\":1`.
    assert.match(text, DECODED_PAYLOAD, 'payloads were decoded, so the search below can find content');
    assert.ok(!text.includes(PLAINTEXT), 'plaintext found in workflow history');
    assert.ok(!text.includes(Buffer.from(PLAINTEXT).toString('base64')), 'base64 plaintext found in workflow history');
    assert.ok(!text.includes(key.secret), 'age key found in workflow history');
  });

  it('fails with an actionable message and applies nothing when no key matches', async () => {
    const rev = await f.push({
      'wrong/secret.yaml': await encryptSecret('wrong-db', PLAINTEXT, otherKey.recipient),
      'wrong/cm.yaml': configMap('wrong-cm', 'x'),
    });
    await f.kustomization('wrong', {
      path: './wrong',
      decryption: { provider: 'sops', secretRef: { name: 'sops-age' } },
    });
    const ks = await f.waitFor(
      'wrong',
      (k) => condition(k, 'Ready')?.status === 'False' && (k.status?.lastAttemptedRevision?.endsWith(rev) ?? false)
    );
    const ready = condition(ks, 'Ready');
    assert.equal(ready?.reason, 'BuildFailed');
    assert.match(ready?.message ?? '', /failed to decrypt Secret\/.*wrong-db/);
    assert.match(ready?.message ?? '', new RegExp(`no age key in decryption Secret ${f.ns}/sops-age can decrypt it`));
    assert.ok(ready?.message?.includes(otherKey.recipient), 'names the recipient the file is encrypted to');
    assert.ok(!ready?.message?.includes(PLAINTEXT) && !ready?.message?.includes(key.secret), 'no secret material');
    assert.equal(await f.cluster.get('v1', 'ConfigMap', f.ns, 'wrong-cm'), undefined, 'nothing applied');
    assert.equal(await secretValue('wrong-db'), undefined, 'nothing applied');
  });

  it('fails when the decryption Secret does not exist', async () => {
    const rev = await f.push({ 'missing/secret.yaml': await encryptSecret('missing-db', PLAINTEXT, key.recipient) });
    await f.kustomization('missing', {
      path: './missing',
      decryption: { provider: 'sops', secretRef: { name: 'no-such-secret' } },
    });
    const ks = await f.waitFor(
      'missing',
      (k) => condition(k, 'Ready')?.status === 'False' && (k.status?.lastAttemptedRevision?.endsWith(rev) ?? false),
      120_000
    );
    assert.equal(condition(ks, 'Ready')?.message, `decryption Secret ${f.ns}/no-such-secret not found`);
    assert.equal(await secretValue('missing-db'), undefined, 'nothing applied');
  });
});
