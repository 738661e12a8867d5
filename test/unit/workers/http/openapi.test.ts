import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openApiDocument } from '../../../../workers/http/openapi.js';

type Json = Record<string, unknown>;

/** Every `$ref` anywhere in `value`. */
function refs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refs);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [v] : refs(v)));
}

describe('OpenAPI document', () => {
  const doc = openApiDocument() as Json & {
    paths: Record<string, Json>;
    components: { schemas: Record<string, Json> };
  };
  const path = doc.paths['/api/v1/reconcile/{kind}/{namespace}/{name}'] as Record<string, Json>;

  it('is OpenAPI 3.1 with bearer security', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc.security, [{ bearer: [] }]);
  });

  it('resolves every $ref to a component generated from the zod schemas', () => {
    const all = refs(doc);
    assert.ok(all.length > 5);
    for (const ref of all) {
      const name = ref.replace('#/components/schemas/', '');
      assert.ok(doc.components.schemas[name], `${ref} resolves`);
      assert.equal(doc.components.schemas[name]?.$schema, undefined, 'no standalone $schema in a component');
    }
    const result = doc.components.schemas.ReconcileResult as { required: string[] };
    assert.deepEqual(result.required.sort(), ['durationMs', 'message', 'ready', 'reason', 'steps']);
  });

  it('documents the path and query parameters of both operations', () => {
    const params = (op: string): Json[] => (path[op] as { parameters: Json[] }).parameters;
    for (const op of ['post', 'get']) {
      const inPath = params(op).filter((p) => p.in === 'path');
      assert.deepEqual(
        inPath.map((p) => p.name),
        ['kind', 'namespace', 'name']
      );
      assert.ok(inPath.every((p) => p.required === true));
    }
    const wait = params('post').find((p) => p.name === 'wait') as { schema: Json };
    assert.deepEqual(wait.schema.enum, ['true', 'false']);
    assert.equal(wait.schema.default, 'true');
    assert.deepEqual(
      params('get')
        .filter((p) => p.in === 'query')
        .map((p) => p.name),
      ['update', 'run']
    );
  });

  it('lists the answers a caller must handle', () => {
    const post = path.post as { responses: Json };
    assert.deepEqual(Object.keys(post.responses).sort(), ['200', '202', '400', '401', '403', '404', '409', '503']);
  });
});
