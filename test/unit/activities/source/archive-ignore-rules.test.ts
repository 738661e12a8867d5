import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { list } from 'tar';
import { packDirectory, scopePattern, UnsafeSymlinkError } from '../../../../activities/source/archive.js';

async function writeTree(dir: string, files: Record<string, string>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), content);
  }
}

describe('packDirectory applies Flux .sourceignore rules', () => {
  let root: string;
  let n = 0;

  /** Packs a fresh tree and returns the file paths in the archive (directories left out). */
  async function packed(files: Record<string, string>, ignore: string[] = []): Promise<string[]> {
    const dir = path.join(root, `tree-${n++}`);
    await writeTree(dir, files);
    const { file } = await packDirectory(dir, { ignore, outFile: path.join(root, `out-${n++}.tar.gz`) });
    const paths: string[] = [];
    await list({ file, onReadEntry: (e) => e.type !== 'Directory' && paths.push(e.path) });
    return paths;
  }

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'ballast-ignore-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('leaves out VCS metadata, CI configuration, images and archives by default', async () => {
    const kept = await packed({
      'deploy.yaml': 'x',
      '.git/config': 'x',
      '.gitignore': 'x',
      '.gitmodules': 'x',
      '.gitattributes': 'x',
      '.github/workflows/ci.yml': 'x',
      '.circleci/config.yml': 'x',
      '.travis.yml': 'x',
      '.gitlab-ci.yml': 'x',
      'appveyor.yml': 'x',
      '.drone.yml': 'x',
      'cloudbuild.yaml': 'x',
      'codeship-services.yml': 'x',
      'codeship-steps.yml': 'x',
      'docs/a.jpg': 'x',
      'docs/b.jpeg': 'x',
      'docs/c.gif': 'x',
      'docs/d.png': 'x',
      'e.wmv': 'x',
      'f.flv': 'x',
      'vendor/chart.tar.gz': 'x',
      'g.zip': 'x',
      'apps/.github-not-ci.yaml': 'x',
    });
    assert.deepEqual(kept, ['apps/.github-not-ci.yaml', 'deploy.yaml']);
  });

  it('honours a .sourceignore in the root, negations included', async () => {
    const kept = await packed({
      '.sourceignore': '# local overrides\nsecrets/\n*.txt\n!keep.txt\n',
      'secrets/token.yaml': 'x',
      'notes.txt': 'x',
      'keep.txt': 'x',
      'deploy.yaml': 'x',
    });
    assert.deepEqual(kept, ['.sourceignore', 'deploy.yaml', 'keep.txt']);
  });

  it('honours nested .sourceignore files, scoped to their directory', async () => {
    const kept = await packed({
      'local.yaml': 'root copy is kept',
      'only-here.yaml': 'x',
      'apps/.sourceignore': 'local.yaml\n/only-here.yaml\n',
      'apps/local.yaml': 'x',
      'apps/deep/local.yaml': 'x',
      'apps/only-here.yaml': 'x',
      'apps/deep/only-here.yaml': 'x',
    });
    assert.deepEqual(kept, ['apps/.sourceignore', 'apps/deep/only-here.yaml', 'local.yaml', 'only-here.yaml']);
  });

  it('lets spec.ignore override the defaults and .sourceignore', async () => {
    const kept = await packed(
      {
        '.sourceignore': '*.txt\n',
        'notes.txt': 'x',
        'other.txt': 'x',
        'logo.png': 'x',
        '.github/workflows/ci.yml': 'x',
        'deploy/dev/app.yaml': 'x',
        'deploy/prod/app.yaml': 'x',
      },
      ['!*.png', '!notes.txt', '!.github/', '/deploy/dev/']
    );
    assert.deepEqual(kept, [
      '.github/workflows/ci.yml',
      '.sourceignore',
      'deploy/prod/app.yaml',
      'logo.png',
      'notes.txt',
    ]);
  });

  it('keeps a symlink that stays inside the tree, as a symlink', async () => {
    const dir = path.join(root, 'links-inside');
    await writeTree(dir, { 'base/app.yaml': 'x' });
    await symlink('base/app.yaml', path.join(dir, 'base-link.yaml'));
    await mkdir(path.join(dir, 'overlay'));
    await symlink('../base', path.join(dir, 'overlay', 'base'));
    const { file } = await packDirectory(dir, { outFile: path.join(root, 'links-inside.tar.gz') });
    const links: string[] = [];
    await list({ file, onReadEntry: (e) => e.type === 'SymbolicLink' && links.push(`${e.path} -> ${e.linkpath}`) });
    assert.deepEqual(links, ['base-link.yaml -> base/app.yaml', 'overlay/base -> ../base']);
  });

  for (const [what, target] of [
    ['escapes the tree', '../../etc/passwd'],
    ['is absolute', '/etc/passwd'],
  ] as const) {
    it(`rejects a symlink that ${what}, naming it`, async () => {
      const dir = path.join(root, `links-${n++}`);
      await writeTree(dir, { 'deploy.yaml': 'x' });
      await mkdir(path.join(dir, 'config'));
      await symlink(target, path.join(dir, 'config', 'passwd'));
      const outFile = path.join(root, `bad-${n++}.tar.gz`);
      await assert.rejects(packDirectory(dir, { outFile }), (err: unknown) => {
        assert.ok(err instanceof UnsafeSymlinkError);
        assert.equal(err.link, 'config/passwd');
        assert.match(err.message, /symlink "config\/passwd" points to ".*", outside the source tree/);
        return true;
      });
    });
  }

  it('does not mind an escaping symlink that is ignored', async () => {
    const dir = path.join(root, 'links-ignored');
    await writeTree(dir, { 'deploy.yaml': 'x' });
    await symlink('/etc/passwd', path.join(dir, 'passwd'));
    await packDirectory(dir, { ignore: ['passwd'], outFile: path.join(root, 'links-ignored.tar.gz') });
  });
});

describe('scopePattern rewrites nested .sourceignore lines relative to the root', () => {
  const table: [string, string, string | undefined][] = [
    ['*.txt', '', '*.txt'],
    ['*.txt', 'apps', 'apps/**/*.txt'],
    ['/only-here.yaml', 'apps', 'apps/only-here.yaml'],
    ['sub/file.yaml', 'apps', 'apps/sub/file.yaml'],
    ['build/', 'apps', 'apps/**/build/'],
    ['!keep.txt', 'apps/x', '!apps/x/**/keep.txt'],
    ['**/tmp', 'apps', 'apps/**/tmp'],
    ['# a comment', 'apps', undefined],
    ['   ', 'apps', undefined],
  ];
  for (const [line, dir, want] of table) {
    it(`${JSON.stringify(line)} in ${JSON.stringify(dir)} → ${JSON.stringify(want)}`, () =>
      assert.equal(scopePattern(line, dir), want));
  }
});
