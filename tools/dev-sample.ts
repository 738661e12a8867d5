/**
 * The sample `npm run dev` reconciles: a local Git repository holding an example app (a
 * Deployment with 2 replicas, a Service, a ConfigMap), served over smart HTTP on loopback, with a
 * GitRepository and a Kustomization pointing at it. A generic Provider and an Alert send every
 * event of the sample to a local webhook, which prints them.
 */
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import path from 'node:path';
import { GitRepositoryKind } from '../api/gitrepository.js';
import { KustomizationKind } from '../api/kustomization.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { AlertKind } from '../api/alert.js';
import type { FluxEvent } from '../api/events.js';
import { HelmReleaseKind } from '../api/helmrelease.js';
import { HelmRepositoryKind } from '../api/helmrepository.js';
import type { KindDescriptor } from '../api/meta.js';
import { ProviderKind } from '../api/provider.js';
import { startChartRepo, writeTestChart, type ChartRepo } from './localenv/chart-repo.js';
import { createGitFixture, startGitHttpServer, type GitFixture, type GitHttpServer } from './localenv/git-server.js';
import { startHttpSink, type HttpSink, type ReceivedRequest } from './localenv/http-sink.js';

export const SAMPLE_NAMESPACE = 'sample';

const FILES: Record<string, string> = {
  'apps/sample/configmap.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: sample-config
data:
  greeting: hello from Ballast
`,
  'apps/sample/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: sample
spec:
  replicas: 2
  selector:
    matchLabels: { app: sample }
  template:
    metadata:
      labels: { app: sample }
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{ containerPort: 80 }]
          envFrom: [{ configMapRef: { name: sample-config } }]
`,
  'apps/sample/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: sample
spec:
  selector: { app: sample }
  ports: [{ port: 80, targetPort: 80 }]
`,
};

export interface Sample {
  repo: GitFixture;
  server: GitHttpServer;
  charts: ChartRepo;
  /** The webhook the sample's Provider posts to. */
  notifications: HttpSink;
  close(): Promise<void>;
}

/** One line per notification the local webhook receives: severity, object, reason, message. */
export function formatNotification(req: ReceivedRequest): string {
  try {
    const e = JSON.parse(req.body) as FluxEvent;
    const o = e.involvedObject;
    return `notification: ${e.severity.padEnd(5)} ${o.kind}/${o.namespace}/${o.name} ${e.reason}: ${e.message.split('\n')[0]}`;
  } catch {
    return `notification: ${req.method} ${req.path} (not a Flux event)`;
  }
}

/** Creates the repository, serves it, and creates the namespace, GitRepository and Kustomization. */
export async function createSample(kc: KubeConfig): Promise<Sample> {
  const repo = await createGitFixture('sample.git');
  await repo.commit(FILES, 'Add the sample app');
  await repo.pushAll();
  await repo.git('branch', '--set-upstream-to=origin/main', 'main');
  const server = await startGitHttpServer({ projectRoot: repo.projectRoot });
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const namespace = SAMPLE_NAMESPACE;
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  const create = (kind: KindDescriptor, name: string, spec: Record<string, unknown>) =>
    custom.createNamespacedCustomObject({
      group: kind.group,
      version: kind.version,
      plural: kind.plural,
      namespace,
      body: { apiVersion: kind.apiVersion, kind: kind.kind, metadata: { name, namespace }, spec },
    });
  // Notifications first, so the first reconciles' events are sent too.
  const notifications = await startHttpSink({ onRequest: (req) => console.log(formatNotification(req)) });
  await create(ProviderKind, 'dev-webhook', { type: 'generic', address: `${notifications.url}/events` });
  await create(AlertKind, 'sample', {
    providerRef: { name: 'dev-webhook' },
    eventSources: ['GitRepository', 'Kustomization', 'HelmRepository', 'HelmChart', 'HelmRelease'].map((kind) => ({
      kind,
      name: '*',
    })),
  });
  await create(GitRepositoryKind, 'sample', {
    url: `${server.url}/sample.git`,
    interval: '15s',
    ref: { branch: 'main' },
  });
  await create(KustomizationKind, 'sample', {
    sourceRef: { kind: 'GitRepository', name: 'sample' },
    path: './apps/sample',
    interval: '5m',
    prune: true,
    wait: true,
    timeout: '2m',
    targetNamespace: namespace,
  });
  // A chart repository on loopback with one chart, installed by a HelmRelease.
  const chartDir = await writeTestChart(path.join(await mkdtemp(path.join(tmpdir(), 'ballast-dev-chart-')), 'hello'), {
    name: 'hello',
    version: '0.1.0',
    deployment: true,
    values: { data: { greeting: 'hello from a Helm chart' } },
  });
  const charts = await startChartRepo({ charts: { hello: chartDir } });
  await create(HelmRepositoryKind, 'charts', { url: charts.url, interval: '1m' });
  await create(HelmReleaseKind, 'hello', {
    interval: '5m',
    chart: { spec: { chart: 'hello', version: '>=0.1.0', sourceRef: { kind: 'HelmRepository', name: 'charts' } } },
    values: { data: { greeting: 'hello from Ballast' } },
  });
  return {
    repo,
    server,
    charts,
    notifications,
    close: async () => {
      await notifications.close();
      await server.close();
      await charts.close();
      await repo.cleanup();
    },
  };
}

/** How a person edits the sample, printed by `npm run dev`. */
export function sampleHelp(sample: Sample): string {
  const file = path.join(sample.repo.work, 'apps/sample/deployment.yaml');
  return `Notifications: Alert ${SAMPLE_NAMESPACE}/sample sends every event of the sample to ${sample.notifications.url}/events
(Provider dev-webhook, type generic); each one is printed above as "notification: …".

Change the sample and watch Ballast apply it (the GitRepository polls every 15 s):
  cd ${sample.repo.work}
  sed -i 's/replicas: 2/replicas: 3/' ${file}
  git commit -am 'Scale to 3' && git push`;
}
