import { GitRepositoryKind } from '../../api/gitrepository.js';
import { KustomizationKind } from '../../api/kustomization.js';
import { startBallast, type BallastHarness } from './ballast.js';
import { condition, eventually, TestCluster, type FluxObject } from './cluster.js';
import { createGitFixture, startGitHttpServer, type GitFixture, type GitHttpServer } from './git-http-server.js';
import { useLocalEnv, type TestEnv } from './local-env.js';
import { uniqueName } from './names.js';

/**
 * Everything a GitOps integration test needs: the real environment, a namespace, a Git
 * repository served over smart HTTP, Ballast (worker + controller) watching the namespace, and
 * a GitRepository `repo` pointing at branch main.
 */
export interface GitOpsFixture {
  env: TestEnv;
  ns: string;
  cluster: TestCluster;
  ballast: BallastHarness;
  repo: GitFixture;
  server: GitHttpServer;
  /** Commits `files` (path → content; null deletes), pushes, and asks the GitRepository to fetch now. */
  push(files: Record<string, string | null>, message?: string): Promise<string>;
  /** Creates a Kustomization of GitRepository `repo` with `spec` merged over sensible test defaults. */
  kustomization(name: string, spec: Record<string, unknown>): Promise<void>;
  /** Waits until the Kustomization is Ready at a revision ending with `commit`. */
  waitReady(name: string, commit: string, timeoutMs?: number): Promise<FluxObject>;
  /** Waits until `pred` holds for the Kustomization. */
  waitFor(name: string, pred: (ks: FluxObject) => boolean, timeoutMs?: number): Promise<FluxObject>;
  get(name: string): Promise<FluxObject | undefined>;
  close(): Promise<void>;
}

export async function setupGitOps(
  prefix: string,
  opts: Parameters<typeof startBallast>[2] & {
    /** Another Temporal server than the environment's dev server (e.g. a PostgreSQL-backed cluster). */
    temporal?: { address: string; namespace: string };
  } = {}
): Promise<GitOpsFixture> {
  const shared = await useLocalEnv();
  const env = opts.temporal
    ? { ...shared, temporalAddress: opts.temporal.address, temporalNamespace: opts.temporal.namespace }
    : shared;
  const repo = await createGitFixture();
  const server = await startGitHttpServer({ projectRoot: repo.projectRoot });
  const ns = uniqueName(prefix);
  const ballast = await startBallast(env, ns, opts);
  const cluster = new TestCluster(ballast.kc);
  await cluster.createNamespace(ns);
  let requests = 0;
  let repoCreated = false;
  const get = (name: string): Promise<FluxObject | undefined> => cluster.getFlux(KustomizationKind, ns, name);
  const waitFor = (name: string, pred: (ks: FluxObject) => boolean, timeoutMs = 60_000): Promise<FluxObject> =>
    eventually(
      async () => {
        const ks = await get(name);
        return ks && pred(ks) ? ks : undefined;
      },
      async () => JSON.stringify((await get(name))?.status ?? 'absent'),
      timeoutMs
    );
  return {
    env,
    ns,
    cluster,
    ballast,
    repo,
    server,
    async push(files, message) {
      for (const [file, content] of Object.entries(files)) if (content === null) await repo.git('rm', '--quiet', file);
      const sha = await repo.commit(
        Object.fromEntries(Object.entries(files).filter(([, c]) => c !== null)) as Record<string, string>,
        message
      );
      await repo.pushAll();
      if (!repoCreated) {
        await cluster.createGitRepository(ns, 'repo', {
          url: `${server.url}/${repo.repoName}`,
          interval: '1h',
          ref: { branch: 'main' },
        });
        repoCreated = true;
      } else {
        await cluster.patchFlux(GitRepositoryKind, ns, 'repo', {
          metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': `push-${++requests}` } },
        });
      }
      return sha;
    },
    async kustomization(name, spec) {
      await cluster.createKustomization(ns, name, {
        sourceRef: { kind: 'GitRepository', name: 'repo' },
        interval: '1h',
        prune: true,
        targetNamespace: ns,
        ...spec,
      });
    },
    waitReady: (name, commit, timeoutMs) =>
      waitFor(
        name,
        (ks) =>
          condition(ks, 'Ready')?.status === 'True' && (ks.status?.lastAppliedRevision?.endsWith(commit) ?? false),
        timeoutMs
      ),
    waitFor,
    get,
    async close() {
      await ballast.stop();
      await server.close();
      await repo.cleanup();
      await env.release();
    },
  };
}

export const configMap = (name: string, value: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;

/**
 * A Deployment kwok runs to Available, or, with `schedulable: false`, one whose Pods get no node
 * until the kwok node carries `nodeLabel=true` (a label no other test sets).
 */
export const deployment = (
  name: string,
  opts: { schedulable?: boolean; image?: string; nodeLabel?: string } = {}
): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      ${opts.schedulable === false ? `nodeSelector: { ${opts.nodeLabel ?? 'ballast.dev/no-such-node'}: "true" }` : 'nodeSelector: { type: kwok }'}
      containers:
        - name: app
          image: ${opts.image ?? 'example.invalid/app:1'}
`;
