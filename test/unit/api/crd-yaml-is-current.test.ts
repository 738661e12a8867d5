import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { CRD_BASES_DIR, REPO_ROOT, renderCrdFiles } from '../../../tools/gen-crds.js';

describe('committed CRDs', () => {
  const expected = renderCrdFiles();

  for (const [file, content] of expected) {
    it(`${file} equals what tools/gen-crds.ts generates now (run npm run gen:crds if not)`, async () => {
      const committed = await readFile(path.join(REPO_ROOT, file), 'utf8');
      assert.equal(committed, content);
    });
  }

  it(`${CRD_BASES_DIR} holds no CRD of a kind Ballast no longer serves`, async () => {
    const present = (await readdir(path.join(REPO_ROOT, CRD_BASES_DIR))).map((f) => `${CRD_BASES_DIR}/${f}`).sort();
    assert.deepEqual(present, [...expected.keys()].filter((f) => f.startsWith(`${CRD_BASES_DIR}/`)).sort());
  });

  it('lists every CRD in config/crd/kustomization.yaml', () => {
    const kustomization = parse(expected.get('config/crd/kustomization.yaml') ?? '') as { resources: string[] };
    const bases = [...expected.keys()]
      .filter((f) => f.startsWith(`${CRD_BASES_DIR}/`))
      .map((f) => path.relative('config/crd', f));
    assert.deepEqual([...kustomization.resources].sort(), bases.sort());
  });
});
