import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pc from 'picocolors';
import { comparable, fieldChanges, formatPath } from '../../../activities/preview/field-diff.js';
import { createSealKeys, openSealedBox, parseRecipientKey, seal } from '../../../activities/preview/sealed-box.js';
import { renderPreview } from '../../../client/cli/diff.js';

describe('field diff of live object and dry-run', () => {
  const live = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'a',
      namespace: 'apps',
      resourceVersion: '1',
      managedFields: [{ manager: 'x' }],
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      labels: { 'app.kubernetes.io/name': 'a' },
    },
    data: { value: 'one', same: 'x' },
  };

  it('ignores server-owned metadata and status', () => {
    const next = { ...live, metadata: { ...live.metadata, resourceVersion: '2', managedFields: [] }, status: { x: 1 } };
    assert.deepEqual(fieldChanges(live, next), []);
    assert.deepEqual(Object.keys(comparable(live).metadata as object).sort(), ['labels', 'name', 'namespace']);
  });

  it('reports changed, added and removed leaves with quoted paths where needed', () => {
    const next = {
      ...live,
      metadata: { ...live.metadata, labels: { 'app.kubernetes.io/name': 'b' } },
      data: { value: 'two', added: 'y' },
    };
    assert.deepEqual(fieldChanges(live, next), [
      { path: 'data.added', to: '"y"' },
      { path: 'data.same', from: '"x"' },
      { path: 'data.value', from: '"one"', to: '"two"' },
      { path: 'metadata.labels["app.kubernetes.io/name"]', from: '"a"', to: '"b"' },
    ]);
  });

  it('walks arrays of equal length item by item, and reports others whole', () => {
    const a = { kind: 'Deployment', spec: { containers: [{ name: 'app', image: 'a:1' }], args: ['x'] } };
    const b = { kind: 'Deployment', spec: { containers: [{ name: 'app', image: 'a:2' }], args: ['x', 'y'] } };
    assert.deepEqual(fieldChanges(a, b), [
      { path: 'spec.args', from: '["x"]', to: '["x","y"]' },
      { path: 'spec.containers[0].image', from: '"a:1"', to: '"a:2"' },
    ]);
  });

  it('never shows Secret values', () => {
    const a = { kind: 'Secret', metadata: { name: 's' }, data: { password: 'b2xk' } };
    const b = { kind: 'Secret', metadata: { name: 's' }, data: { password: 'bmV3', token: 'dA==' } };
    const changes = fieldChanges(a, b);
    assert.deepEqual(changes, [
      { path: 'data.password', from: '<hidden>', to: '<hidden>' },
      { path: 'data.token', to: '<hidden>' },
    ]);
    assert.doesNotMatch(JSON.stringify(changes), /b2xk|bmV3|dA==/);
  });

  it('formats paths', () => {
    assert.equal(formatPath(['spec', 'template', 0, 'a-b']), 'spec.template[0].a-b');
    assert.equal(formatPath(['data', 'x.y']), 'data["x.y"]');
  });
});

describe('sealed box', () => {
  it('opens with the recipient key only', () => {
    const keys = createSealKeys();
    const box = seal(keys.publicKey, 'the diff');
    assert.doesNotMatch(JSON.stringify(box), /the diff/);
    assert.equal(openSealedBox(keys.privateKey, box), 'the diff');
    assert.throws(() => openSealedBox(createSealKeys().privateKey, box));
  });

  it('refuses an altered box and a key that is no X25519 public key', () => {
    const keys = createSealKeys();
    const box = seal(keys.publicKey, 'the diff');
    const data = Buffer.from(box.data, 'base64');
    data[0] = (data[0] ?? 0) ^ 1;
    assert.throws(() => openSealedBox(keys.privateKey, { ...box, data: data.toString('base64') }));
    assert.throws(() => parseRecipientKey('bm90IGEga2V5'), /not an X25519 public key/);
  });
});

describe('preview rendering', () => {
  it('summarises, then lists each object that would change with its fields', () => {
    const text = renderPreview(
      'Kustomization apps/web',
      {
        revision: 'feature@sha1:abc',
        counts: { created: 1, configured: 1, unchanged: 2, deleted: 1, refused: 0 },
        details: {
          objects: [
            {
              object: 'ConfigMap/apps/a',
              action: 'configured',
              changes: [{ path: 'data.value', from: '"one"', to: '"two"' }],
            },
            { object: 'ConfigMap/apps/n', action: 'created' },
            { object: 'ConfigMap/apps/same', action: 'unchanged' },
            { object: 'ConfigMap/apps/old', action: 'deleted' },
          ],
        },
      },
      pc.createColors(false)
    );
    assert.equal(
      text,
      [
        'Kustomization apps/web at feature@sha1:abc: 1 to create, 1 to configure, 1 to delete, 2 unchanged',
        '~ ConfigMap/apps/a',
        '    data.value: "one" → "two"',
        '+ ConfigMap/apps/n',
        '- ConfigMap/apps/old',
        '',
      ].join('\n')
    );
  });
});
