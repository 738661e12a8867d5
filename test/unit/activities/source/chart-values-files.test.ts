import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  applyValuesFiles,
  mergeValues,
  versionWithMetadata,
} from '../../../../activities/source/chart-values-files.js';

describe('HelmChart valuesFiles', () => {
  it('merges maps key by key and replaces everything else, later files winning', () => {
    const merged = mergeValues(
      { image: { repo: 'a', tag: '1' }, ports: [80], debug: true },
      { image: { tag: '2' }, ports: [443], debug: null }
    );
    assert.deepEqual(merged, { image: { repo: 'a', tag: '2' }, ports: [443], debug: null });
  });

  it('writes the merge of the listed files, and only those, as values.yaml', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'vf-'));
    await writeFile(path.join(dir, 'values.yaml'), 'a: 1\nnested: {x: 1, y: 1}\n');
    await writeFile(path.join(dir, 'prod.yaml'), 'nested: {y: 2}\nb: 2\n');
    const used = await applyValuesFiles(dir, ['values.yaml', 'prod.yaml'], false);
    assert.deepEqual(used, ['values.yaml', 'prod.yaml']);
    assert.deepEqual(parse(await readFile(path.join(dir, 'values.yaml'), 'utf8')), {
      a: 1,
      nested: { x: 1, y: 2 },
      b: 2,
    });
  });

  it('names a missing file unless told to skip it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'vf-'));
    await writeFile(path.join(dir, 'values.yaml'), 'a: 1\n');
    await assert.rejects(applyValuesFiles(dir, ['values.yaml', 'nope.yaml'], false), /'nope.yaml' not found/);
    assert.deepEqual(await applyValuesFiles(dir, ['values.yaml', 'nope.yaml'], true), ['values.yaml']);
  });

  it('refuses a file outside the chart and a file that is not a map', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'vf-'));
    await writeFile(path.join(dir, 'list.yaml'), '- 1\n');
    await assert.rejects(applyValuesFiles(dir, ['../../etc/passwd'], true), /outside the chart/);
    await assert.rejects(applyValuesFiles(dir, ['list.yaml'], false), /must be a YAML map/);
  });

  it('adds build metadata to the version', () => {
    assert.equal(versionWithMetadata('1.0.0', []), '1.0.0');
    assert.equal(versionWithMetadata('1.0.0', [undefined, '3']), '1.0.0+3');
    assert.equal(versionWithMetadata('1.0.0', ['abc', '3']), '1.0.0+abc.3');
    assert.equal(versionWithMetadata('1.0.0+build', ['3']), '1.0.0+build.3');
  });
});
