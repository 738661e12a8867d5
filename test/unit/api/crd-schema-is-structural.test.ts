import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  structuralViolations,
  toCustomResourceDefinition,
  toStructuralSchema,
  type StructuralSchema,
} from '../../../api/crd.js';
import { GitRepositoryKind } from '../../../api/gitrepository.js';
import { HelmChartKind } from '../../../api/helmchart.js';
import { HelmReleaseKind } from '../../../api/helmrelease.js';
import { HelmRepositoryKind } from '../../../api/helmrepository.js';
import { KustomizationKind } from '../../../api/kustomization.js';
import type { KindDescriptor } from '../../../api/meta.js';

/** Every schema node with its path, depth first. */
function* nodes(node: StructuralSchema, path = '<root>'): Generator<[string, StructuralSchema]> {
  yield [path, node];
  for (const [name, child] of Object.entries(node.properties ?? {})) yield* nodes(child, `${path}.${name}`);
  if (node.additionalProperties) yield* nodes(node.additionalProperties, `${path}.*`);
  if (node.items) yield* nodes(node.items, `${path}[]`);
}

const kinds: KindDescriptor[] = [
  GitRepositoryKind,
  KustomizationKind,
  HelmRepositoryKind,
  HelmChartKind,
  HelmReleaseKind,
];
for (const kind of kinds) {
  describe(`${kind.kind} CRD`, () => {
    const crd = toCustomResourceDefinition(kind);
    const version = crd.spec.versions[0];
    const schema = version?.schema.openAPIV3Schema;
    assert.ok(version && schema);

    it('names the resource <plural>.<group> and serves one stored version with a status subresource', () => {
      assert.equal(crd.metadata.name, `${kind.plural}.${kind.group}`);
      assert.equal(crd.spec.versions.length, 1);
      assert.deepEqual([version.name, version.served, version.storage], [kind.version, true, true]);
      assert.deepEqual(version.subresources, { status: {} });
      assert.deepEqual(crd.spec.names.shortNames, kind.shortNames);
    });

    it('contains no $ref, $schema, $defs or definitions anywhere', () => {
      assert.doesNotMatch(JSON.stringify(schema), /"\$ref"|"\$schema"|"\$defs"|"definitions"/);
    });

    it('gives every object node a type, and every other node a type or an explicit free-form marker', () => {
      for (const [path, node] of nodes(schema)) {
        if (node.properties || node.additionalProperties) assert.equal(node.type, 'object', path);
        const freeForm = node['x-kubernetes-preserve-unknown-fields'] || node['x-kubernetes-int-or-string'];
        assert.ok(node.type || freeForm, `${path} has no type`);
      }
    });

    it('passes every structural-schema rule the converter checks', () => {
      assert.deepEqual(structuralViolations(schema), []);
    });

    it('leaves metadata to the apiserver and requires spec', () => {
      assert.deepEqual(schema.properties?.['metadata'], { type: 'object' });
      assert.deepEqual(schema.required, ['spec']);
    });

    it('defaults status.observedGeneration to -1 as Flux does', () => {
      assert.deepEqual(schema.properties?.['status']?.default, { observedGeneration: -1 });
      assert.equal(schema.properties?.['status']?.properties?.['observedGeneration']?.default, -1);
    });

    it('carries the printer columns of the kind', () => {
      assert.deepEqual(
        version.additionalPrinterColumns.map((c) => c.name),
        kind.printerColumns.map((c) => c.name)
      );
    });
  });
}

describe('CRD specifics', () => {
  const spec = (kind: KindDescriptor): StructuralSchema | undefined =>
    toCustomResourceDefinition(kind).spec.versions[0]?.schema.openAPIV3Schema.properties?.['spec'];

  it('keeps Flux defaults the apiserver should fill in', () => {
    assert.equal(spec(GitRepositoryKind)?.properties?.['timeout']?.default, '60s');
    assert.equal(spec(KustomizationKind)?.properties?.['deletionPolicy']?.default, 'MirrorPrune');
  });

  it('does not require fields that have defaults', () => {
    assert.deepEqual(spec(GitRepositoryKind)?.required, ['url', 'interval']);
    assert.deepEqual(spec(KustomizationKind)?.required, ['sourceRef', 'interval', 'prune']);
  });

  it('types a string map as additionalProperties of type string and an inline patch as a string', () => {
    const ks = spec(KustomizationKind);
    assert.deepEqual(ks?.properties?.['postBuild']?.properties?.['substitute']?.additionalProperties, {
      type: 'string',
    });
    assert.equal(ks?.properties?.['patches']?.items?.properties?.['patch']?.type, 'string');
  });

  it('carries the HelmRelease chart XOR chartRef rule as a CEL validation on spec', () => {
    assert.deepEqual(spec(HelmReleaseKind)?.['x-kubernetes-validations'], [
      { rule: 'has(self.chart) != has(self.chartRef)', message: 'exactly one of chart or chartRef must be set' },
    ]);
    assert.deepEqual(spec(HelmReleaseKind)?.required, ['interval']);
  });

  it('preserves HelmRelease values as free-form JSON', () => {
    assert.deepEqual(spec(HelmReleaseKind)?.properties?.['values'], {
      type: 'object',
      description: 'Inline values, merged over valuesFrom documents.',
      'x-kubernetes-preserve-unknown-fields': true,
    });
  });

  it('keeps the Helm defaults the apiserver should fill in', () => {
    assert.equal(spec(HelmReleaseKind)?.properties?.['maxHistory']?.default, 5);
    assert.equal(spec(HelmChartKind)?.properties?.['version']?.default, '*');
    assert.equal(spec(HelmRepositoryKind)?.properties?.['timeout']?.default, '60s');
    const valuesFrom = spec(HelmReleaseKind)?.properties?.['valuesFrom']?.items;
    assert.equal(valuesFrom?.properties?.['valuesKey']?.default, 'values.yaml');
    assert.deepEqual(valuesFrom?.required, ['kind', 'name']);
  });

  it('keeps the duration pattern on intervals', () => {
    assert.equal(spec(KustomizationKind)?.properties?.['interval']?.pattern, '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$');
  });
});

describe('toStructuralSchema', () => {
  it('inlines $ref and lets the referring node keep its description', () => {
    const out = toStructuralSchema({
      type: 'object',
      properties: { ref: { $ref: '#/definitions/Ref', description: 'outer' } },
      definitions: { Ref: { type: 'object', description: 'inner', properties: { name: { type: 'string' } } } },
    });
    assert.deepEqual(out.properties?.['ref'], {
      type: 'object',
      description: 'outer',
      properties: { name: { type: 'string' } },
    });
  });

  it('refuses a recursive schema, which has no structural form', () => {
    const recursive = {
      $ref: '#/$defs/Node',
      $defs: { Node: { type: 'object', properties: { next: { $ref: '#/$defs/Node' } } } },
    };
    assert.throws(() => toStructuralSchema(recursive), /recursive schema "Node"/);
  });

  it('turns T | null (anyOf, type array or nullable) into T with nullable: true', () => {
    const expected = { type: 'string', nullable: true, description: 'd' };
    assert.deepEqual(toStructuralSchema({ description: 'd', anyOf: [{ type: 'string' }, { type: 'null' }] }), expected);
    assert.deepEqual(toStructuralSchema({ description: 'd', type: ['string', 'null'] }), expected);
    assert.deepEqual(toStructuralSchema({ description: 'd', nullable: true, type: 'string' }), expected);
  });

  it('drops additionalProperties: false and preserves free-form maps', () => {
    assert.deepEqual(
      toStructuralSchema({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false }),
      {
        type: 'object',
        properties: { a: { type: 'string' } },
      }
    );
    assert.deepEqual(toStructuralSchema({ type: 'object', additionalProperties: {} }), {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    });
    assert.deepEqual(toStructuralSchema({}), { 'x-kubernetes-preserve-unknown-fields': true });
  });

  it('merges a union of objects, requiring only what every branch requires', () => {
    const out = toStructuralSchema({
      anyOf: [
        { type: 'object', properties: { a: { type: 'string' }, k: { type: 'string' } }, required: ['k', 'a'] },
        { type: 'object', properties: { b: { type: 'integer' }, k: { type: 'string' } }, required: ['k'] },
      ],
    });
    assert.deepEqual(Object.keys(out.properties ?? {}).sort(), ['a', 'b', 'k']);
    assert.deepEqual(out.required, ['k']);
    assert.equal(out.type, 'object');
  });

  it('marks a number-or-string union as int-or-string', () => {
    assert.deepEqual(toStructuralSchema({ anyOf: [{ type: 'integer' }, { type: 'string' }] }), {
      'x-kubernetes-int-or-string': true,
    });
  });

  it('flattens allOf and turns const into enum', () => {
    assert.deepEqual(toStructuralSchema({ allOf: [{ type: 'string', const: 'x' }], description: 'd' }), {
      type: 'string',
      description: 'd',
      enum: ['x'],
    });
  });

  it('drops null defaults, zod safe-integer bounds and the regex zod adds beside a format', () => {
    assert.deepEqual(
      toStructuralSchema({
        type: 'integer',
        minimum: Number.MIN_SAFE_INTEGER,
        maximum: Number.MAX_SAFE_INTEGER,
        default: null,
      }),
      { type: 'integer', format: 'int64' }
    );
    assert.deepEqual(toStructuralSchema({ type: 'string', format: 'date-time', pattern: '^\\d{4}' }), {
      type: 'string',
      format: 'date-time',
    });
  });

  it('reports what breaks the structural rules', () => {
    const bad = { properties: { a: { additionalProperties: false } } } as unknown as StructuralSchema;
    assert.deepEqual(structuralViolations(bad), [
      '<root>: has no type',
      '<root>.a: has no type',
      '<root>.a: additionalProperties is a boolean',
    ]);
  });
});
