import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, open, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { list } from 'tar';
import { packDirectory } from '../../../../activities/source/archive.js';

const TREE: Record<string, string> = {
  'kustomization.yaml': 'resources: [deploy.yaml]\n',
  'deploy.yaml': 'kind: Deployment\n',
  'apps/podinfo/release.yaml': 'kind: HelmRelease\n',
  'apps/podinfo/values.yaml': 'replicas: 2\n',
  'scripts/check.sh': '#!/bin/sh\necho ok\n',
};

async function writeTree(
  dir: string,
  files: Record<string, string>,
  order: 'forward' | 'reverse' = 'forward'
): Promise<void> {
  const entries = Object.entries(files);
  for (const [rel, content] of order === 'forward' ? entries : entries.reverse()) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), content);
  }
  await chmod(path.join(dir, 'scripts/check.sh'), 0o755);
}

describe('packDirectory is deterministic', () => {
  let root: string;
  let n = 0;
  const fresh = async (): Promise<string> => {
    const dir = path.join(root, `tree-${n++}`);
    await mkdir(dir);
    return dir;
  };
  const pack = async (dir: string, ignore: string[] = []): Promise<string> =>
    (await packDirectory(dir, { ignore, outFile: path.join(root, `out-${n++}.tar.gz`) })).digest;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'ballast-archive-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('the same tree gives the same sha256 digest twice', async () => {
    const dir = await fresh();
    await writeTree(dir, TREE);
    const first = await pack(dir);
    assert.match(first, /^sha256:[0-9a-f]{64}$/);
    assert.equal(await pack(dir), first);
  });

  it('another copy of the tree, written in another order at another time with other permissions, gives the same digest', async () => {
    const a = await fresh();
    const b = await fresh();
    await writeTree(a, TREE);
    await writeTree(b, TREE, 'reverse');
    await utimes(path.join(b, 'deploy.yaml'), new Date('2001-02-03'), new Date('2001-02-03'));
    await chmod(path.join(b, 'deploy.yaml'), 0o600);
    await chmod(path.join(b, 'apps'), 0o700);
    assert.equal(await pack(b), await pack(a));
  });

  it('an ignored file changes nothing', async () => {
    const dir = await fresh();
    await writeTree(dir, TREE);
    const before = await pack(dir);
    await writeFile(path.join(dir, 'diagram.png'), 'not really a png');
    await mkdir(path.join(dir, '.git'));
    await writeFile(path.join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    await writeFile(path.join(dir, 'notes.md'), 'ignored by spec.ignore\n');
    assert.equal(await pack(dir, ['notes.md']), before);
  });

  it('a changed file changes the digest', async () => {
    const dir = await fresh();
    await writeTree(dir, TREE);
    const before = await pack(dir);
    await writeFile(path.join(dir, 'apps/podinfo/values.yaml'), 'replicas: 3\n');
    assert.notEqual(await pack(dir), before);
  });

  it('a changed executable bit changes the digest (Git tracks it too)', async () => {
    const dir = await fresh();
    await writeTree(dir, TREE);
    const before = await pack(dir);
    await chmod(path.join(dir, 'deploy.yaml'), 0o755);
    assert.notEqual(await pack(dir), before);
  });

  it('writes sorted entries with fixed mtime, no owner and normalised modes, gzip without timestamp', async () => {
    const dir = await fresh();
    await writeTree(dir, TREE, 'reverse');
    const { file, size } = await packDirectory(dir, { outFile: path.join(root, 'inspect.tar.gz') });
    const entries: { path: string; mode?: number; mtime?: Date; uid?: number; gid?: number }[] = [];
    await list({
      file,
      onReadEntry: (e) => entries.push({ path: e.path, mode: e.mode, mtime: e.mtime, uid: e.uid, gid: e.gid }),
    });
    assert.deepEqual(
      entries.map((e) => e.path),
      [
        'apps/',
        'apps/podinfo/',
        'apps/podinfo/release.yaml',
        'apps/podinfo/values.yaml',
        'deploy.yaml',
        'kustomization.yaml',
        'scripts/',
        'scripts/check.sh',
      ]
    );
    const mode = (p: string): number | undefined => entries.find((e) => e.path === p)?.mode;
    assert.equal(mode('apps/'), 0o755);
    assert.equal(mode('deploy.yaml'), 0o644);
    assert.equal(mode('scripts/check.sh'), 0o755);
    for (const e of entries) {
      assert.ok(!e.uid && !e.gid, `${e.path} has no owner`);
      assert.ok(e.mtime === undefined || e.mtime.getTime() === 0, `${e.path} mtime ${String(e.mtime)}`);
    }
    const handle = await open(file, 'r');
    const header = Buffer.alloc(10);
    await handle.read(header, 0, 10, 0);
    await handle.close();
    assert.equal(header.readUInt32LE(4), 0, 'gzip MTIME field is zero');
    assert.ok(size > 0);
  });
});
