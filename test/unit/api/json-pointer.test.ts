import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pointerTokens, removeAtPointer } from '../../../api/json-pointer.js';

describe('JSON pointers', () => {
  it('unescapes ~1 and ~0', () => {
    assert.deepEqual(pointerTokens('/metadata/labels/a~1b~0c'), ['metadata', 'labels', 'a/b~c']);
    assert.deepEqual(pointerTokens(''), []);
  });

  it('rejects a pointer without a leading slash', () => {
    assert.throws(() => pointerTokens('spec/replicas'), /must start with "\/"/);
  });

  it('removes object fields and array elements, and ignores missing paths', () => {
    const doc = { spec: { replicas: 3, ports: [{ port: 80 }, { port: 443 }] }, metadata: { labels: { 'a/b': 'x' } } };
    removeAtPointer(doc, '/spec/replicas');
    removeAtPointer(doc, '/spec/ports/0');
    removeAtPointer(doc, '/metadata/labels/a~1b');
    removeAtPointer(doc, '/spec/missing/deeper');
    removeAtPointer(doc, '/spec/ports/7');
    assert.deepEqual(doc, { spec: { ports: [{ port: 443 }] }, metadata: { labels: {} } });
  });
});
