import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { EventSink } from '../api/events.js';
import { parseDuration } from '../api/meta.js';
import { createKubeEventSink } from '../activities/events/kube-events.js';
import { fanOut, notifying } from '../activities/events/fan-out.js';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { NotificationSink, type DeliveryOptions } from '../activities/notify/sink.js';
import { createKubeClients, loadKubeConfig } from '../activities/kube/client.js';
import { codecDataConverter } from './codec/data-converter.js';
import { createArtifactStore } from './artifact-store.js';
import type { Config } from './config.js';
import { heartbeatWhileRunning } from './activity-heartbeats.js';
import { createLogger } from './logger.js';
import { createWorkerMetrics, type WorkerMetrics } from './metrics/worker-metrics.js';
import { installTemporalRuntime, type RuntimeInstall } from './temporal-runtime.js';
import { temporalConnectionOptions } from './temporal-connection.js';
import { loadWorkflowBundle } from './workflow-bundle/load.js';

/** What a process or test adds to a worker beyond its configuration. */
export interface WorkerExtras extends Partial<Pick<ActivityDeps, 'allowLocalGit' | 'healthPollMs'>> {
  /**
   * Event sinks besides Kubernetes Events, e.g. Alert delivery to Providers. Each gets every event
   * Flux's notification-controller would get (not the Kubernetes-only Progressing).
   */
  eventSinks?: EventSink[];
  /** Retention, rate limit and retry pace of Alert delivery (tests shorten them); defaults in api/notification.ts. */
  notificationDelivery?: DeliveryOptions;
}

/** A built worker, its connection, its metrics and how the Temporal runtime was installed. */
export interface BallastWorker {
  worker: Worker;
  connection: NativeConnection;
  metrics: WorkerMetrics;
  runtime: RuntimeInstall;
}

/** Builds a Ballast worker: clients → activities (+ event sinks, metrics) → Worker on the configured task queue. */
export async function createBallastWorker(config: Config, extra: WorkerExtras = {}): Promise<BallastWorker> {
  const runtime = installTemporalRuntime({ metricsAddress: config.temporalMetricsAddress });
  const kube = createKubeClients(loadKubeConfig({ kubeconfigPath: config.kubeconfig, context: config.kubeContext }));
  const { eventSinks = [], notificationDelivery, ...deps } = extra;
  const metrics = createWorkerMetrics();
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  // Payloads are encrypted when codec keys are configured; workflow code never sees the codec.
  const dataConverter = codecDataConverter(config);
  // Alerts: each event an Alert selects is queued on its Provider's delivery workflow, started
  // through the worker's own connection.
  const notifications = new NotificationSink({
    kube,
    temporal: new Client({ connection, namespace: config.temporalNamespace, dataConverter }),
    taskQueue: config.taskQueue,
    cluster: config.clusterName,
    log: createLogger(config.logLevel, 'notify'),
    delivery: notificationDelivery,
  });
  // Prebuilt by `npm run bundle` (and the image): webpack in every worker start was its peak memory.
  const bundle = await loadWorkflowBundle({ dir: config.workflowBundleDir }, createLogger(config.logLevel, 'worker'));
  const worker = await Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: config.taskQueue,
    workflowBundle: { code: bundle.code },
    maxCachedWorkflows: config.maxCachedWorkflows,
    dataConverter,
    maxConcurrentActivityTaskExecutions: config.maxConcurrentActivityTaskExecutions,
    maxConcurrentWorkflowTaskExecutions: config.maxConcurrentWorkflowTaskExecutions,
    // On shutdown in-flight activities get this long to finish before they are cancelled.
    shutdownGraceTime: parseDuration(config.shutdownGrace),
    sinks: metrics.sinks,
    // Heartbeats let the server retry an attempt lost on its way to this worker in seconds.
    interceptors: {
      ...metrics.interceptors,
      activity: [heartbeatWhileRunning(), ...(metrics.interceptors.activity ?? [])],
    },
    activities: createActivities({
      kube,
      fieldManager: config.fieldManager,
      store: createArtifactStore(config),
      kustomizeBinary: config.kustomizeBinary,
      sopsBinary: config.sopsBinary,
      helmBinary: config.helmBinary,
      tenancy: {
        noCrossNamespaceRefs: config.noCrossNamespaceRefs,
        defaultServiceAccount: config.defaultServiceAccount,
        noRemoteBases: config.noRemoteBases,
      },
      sourceLimits: {
        maxArtifactBytes: config.sourceMaxArtifactSize,
        maxFileBytes: config.sourceMaxFileSize,
        maxFiles: config.sourceMaxFiles,
      },
      allowLinkLocalSources: config.allowLinkLocalSources,
      events: fanOut([createKubeEventSink({ core: kube.core }), ...[notifications, ...eventSinks].map(notifying)]),
      ...deps,
    }),
  });
  return { worker, connection, metrics, runtime };
}
