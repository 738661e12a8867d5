import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ignore from 'ignore';
import { TOOLS } from '../../../tools/toolchain/tools.js';
import { HELM_VERSION, KUSTOMIZE_VERSION, SOPS_VERSION } from '../../../tools/toolchain/versions.js';
import { DEFAULT_BUNDLE_DIR, REPO_ROOT } from '../../../workers/workflow-bundle/bundle-cache.js';
import { ROOT } from './compose-file.js';
import { importGraph } from './import-graph.js';

const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const stages = dockerfile.split(/^FROM /m).slice(1);
const runtime = stages.at(-1)!;
const arg = (name: string): string | undefined => new RegExp(`^ARG ${name}=(\\S+)$`, 'm').exec(dockerfile)?.[1];
const buildStage = stages.find((s) => / AS build$/.test(s.split('\n')[0]!)) ?? '';
/** What the build stage copies in from the build context. */
const copiedToBuild = [...buildStage.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(' '));
/** The compiled folders the runtime takes from the build stage (`COPY --from=build /app/dist/x ./x`). */
const compiled = [...runtime.matchAll(/^COPY --from=build \/app\/dist\/(\w+) \.\/(\w+)$/gm)]
  .filter((m) => m[1] === m[2])
  .map((m) => m[1]!);
/** The processes, and the workflow bundle built from workflows/index.ts (prebuilt, or at a worker's start). */
const ENTRY_POINTS = ['workers/worker-main.ts', 'workers/controller-main.ts', 'workflows/index.ts'];

describe('Dockerfile', () => {
  it('builds helm and kustomize at the versions and from the packages the toolchain pins', () => {
    assert.equal(arg('HELM_VERSION'), HELM_VERSION);
    assert.equal(arg('KUSTOMIZE_VERSION'), KUSTOMIZE_VERSION);
    assert.ok(dockerfile.includes(`"${TOOLS.helm.pkg}@\${HELM_VERSION}"`), 'helm package');
    assert.ok(dockerfile.includes(`"${TOOLS.kustomize.pkg}@\${KUSTOMIZE_VERSION}"`), 'kustomize package');
    assert.equal(arg('SOPS_VERSION'), SOPS_VERSION);
    assert.ok(dockerfile.includes(`"${TOOLS.sops.pkg}@\${SOPS_VERSION}"`), 'sops package');
    for (const flag of TOOLS.helm.ldflags ?? []) {
      assert.ok(dockerfile.includes(flag.replace(HELM_VERSION, '${HELM_VERSION}')), `helm ldflag ${flag}`);
    }
  });

  it('runs on the Node version the bootstrap pins, from a slim base', () => {
    const pin = /^NODE_PIN=(\S+)$/m.exec(readFileSync(path.join(ROOT, 'tools/bootstrap.sh'), 'utf8'))?.[1];
    assert.equal(arg('NODE_VERSION'), pin);
    assert.match(runtime.split('\n')[0]!, /^node:\$\{NODE_VERSION\}-\w+-slim$/);
  });

  it('runs as a numeric non-root user, with git, setpriv (util-linux) and an init', () => {
    const user = /^USER (\d+)(?::\d+)?$/m.exec(runtime)?.[1];
    assert.ok(user !== undefined && user !== '0', `USER ${user}`);
    for (const pkg of ['git', 'util-linux', 'tini', 'openssh-client'])
      assert.match(runtime, new RegExp(`apt-get install[^\\n]*\\b${pkg}\\b`), pkg);
    assert.match(runtime, /^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/m);
  });

  it('compiles every source folder the entry points import, and .dockerignore keeps none of them out', () => {
    const folders = new Set([...importGraph(ROOT, ENTRY_POINTS).files].map((f) => f.split('/')[0]!));
    const ignored = ignore().add(readFileSync(path.join(ROOT, '.dockerignore'), 'utf8'));
    for (const folder of folders) {
      assert.ok(copiedToBuild.includes(folder), `build stage: COPY ${folder}`);
      assert.ok(compiled.includes(folder), `runtime: COPY --from=build /app/dist/${folder}`);
    }
    for (const source of copiedToBuild) assert.equal(ignored.ignores(source), false, `${source} is in .dockerignore`);
  });

  it('ships the compiled workflow bundle prebuilt by tools/build.ts, which the build stage can run', () => {
    assert.match(buildStage, /^RUN node --import tsx tools\/build\.ts$/m);
    for (const file of importGraph(ROOT, ['tools/build.ts', 'tools/bundle.ts']).files) {
      const source = file.startsWith('tools/') ? file : file.split('/')[0]!;
      assert.ok(copiedToBuild.includes(source), `build stage: COPY ${source}`);
    }
    assert.ok(copiedToBuild.includes('tsconfig.build.json'), 'build stage: COPY tsconfig.build.json');
    const cacheDir = path.relative(REPO_ROOT, path.dirname(DEFAULT_BUNDLE_DIR));
    assert.ok(
      runtime.includes(`COPY --from=build /app/dist/${cacheDir} ./${cacheDir}\n`),
      `runtime: COPY the bundle from dist/${cacheDir}`
    );
  });

  it('needs no devDependency at run time (it installs with --omit=dev)', () => {
    assert.match(dockerfile, /npm ci --omit=dev/);
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const used = importGraph(ROOT, ENTRY_POINTS).packages;
    const missing = [...used].filter((p) => !(p in pkg.dependencies) && !p.startsWith('@types/'));
    assert.deepEqual(missing, [], 'imported at run time but not a production dependency');
  });

  it('starts a worker by default, from the compiled JavaScript', () => {
    assert.match(runtime, /^CMD \["node", "workers\/worker-main\.js"\]$/m);
  });
});
