import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  explainKustomizeDuplicate,
  findDuplicateObject,
  parseKustomizeDuplicate,
} from '../../../../activities/kustomize/duplicates.js';

// What kustomize v5.8 prints for two files defining ConfigMap "dup".
const kustomizeError =
  "kustomize build failed: Error: accumulating resources: accumulation err='merging resources from 'b.yaml': " +
  "may not add resource with an already registered id: ConfigMap.v1.[noGrp]/dup.[noNs]': must build at directory: " +
  "'./b.yaml': file is not directory";

describe('duplicate objects in a build', () => {
  it("parses kustomize's resource id, with and without group and namespace", () => {
    assert.deepEqual(parseKustomizeDuplicate(kustomizeError), { kind: 'ConfigMap', group: '', name: 'dup' });
    assert.deepEqual(parseKustomizeDuplicate("already registered id: Widget.v1.example.com/my.w.team-a': x"), {
      kind: 'Widget',
      group: 'example.com',
      name: 'my.w',
      namespace: 'team-a',
    });
    assert.equal(parseKustomizeDuplicate('kustomize build failed: some other error'), undefined);
  });

  it('names the object and both files that define it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dups-'));
    try {
      const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\n';
      await writeFile(path.join(dir, 'a.yaml'), cm);
      await mkdir(path.join(dir, 'more'));
      await writeFile(path.join(dir, 'more', 'b.yaml'), `---\nkind: Secret\nmetadata: {name: dup}\n---\n${cm}`);
      await writeFile(path.join(dir, 'c.yaml'), 'not: [valid');
      const message = await explainKustomizeDuplicate(kustomizeError, dir);
      assert.equal(
        message,
        'duplicate object ConfigMap/dup: it is defined more than once (in a.yaml and more/b.yaml); ' +
          'each object may appear once in a Kustomization, remove or rename one of them'
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('finds two objects with one identity, and none when group, kind, namespace or name differ', () => {
    const o = (apiVersion: string, kind: string, name: string, namespace?: string) => ({
      apiVersion,
      kind,
      metadata: { name, ...(namespace ? { namespace } : {}) },
    });
    const distinct = [
      o('v1', 'ConfigMap', 'a'),
      o('v1', 'ConfigMap', 'a', 'x'),
      o('v1', 'Secret', 'a'),
      o('x.io/v1', 'ConfigMap', 'a'),
    ];
    assert.equal(findDuplicateObject(distinct), undefined);
    assert.equal(
      findDuplicateObject([
        ...distinct,
        o('apps/v1', 'Deployment', 'web', 'x'),
        o('apps/v1beta1', 'Deployment', 'web', 'x'),
      ]),
      'Deployment.apps/x/web'
    );
  });
});
