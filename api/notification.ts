/**
 * The contract between the notification sink (in the worker's activities), the per-Provider
 * delivery workflow and its activity: the workflow ID, the signal that queues an event, the
 * workflow's input and its stats query. Everything here lands in workflow history, so it carries
 * events and references only: Provider addresses, tokens and headers are read from the cluster by
 * the delivery activity at send time.
 *
 * @module
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { FluxEvent } from './events.js';

/** The registered name of the delivery workflow (the sink starts it by name, not by import). */
export const NOTIFICATION_WORKFLOW_TYPE = 'notificationWorkflow';

/** A namespaced reference to an Alert or a Provider. */
export interface NotificationObjectRef {
  namespace: string;
  name: string;
}

/** The ID of the delivery workflow of one Provider: `<cluster>/notify/<namespace>/<provider>`. */
export function notificationWorkflowId(cluster: string, provider: NotificationObjectRef): string {
  return `${cluster}/notify/${provider.namespace}/${provider.name}`;
}

/** One event an Alert selected, on its way to the Alert's Provider. */
export interface NotificationRequest {
  /** The Alert that selected the event; named in logs and failures. */
  alert: NotificationObjectRef;
  /** The event as the Provider receives it: metadata merged as Flux does, the token removed. */
  event: FluxEvent;
  /** The emitter asked for a commit status update (`<group>/commit_status: update`). */
  commitStatusUpdate: boolean;
  /** The event names a commit (`event.toolkit.fluxcd.io/commit`). */
  hasCommitKey: boolean;
}

/** Queues one event on the Provider's delivery workflow. */
export const notifySignal = defineSignal<[NotificationRequest]>('notify');

/** A queued request with the time it arrived, which starts its retention. */
export interface QueuedNotification {
  request: NotificationRequest;
  /** Epoch milliseconds (workflow time) the request was queued. */
  queuedAt: number;
}

/** Counters of one delivery workflow, carried across continue-as-new. */
export interface NotificationStats {
  delivered: number;
  /** The Provider declined the event by Flux's rules (suspended, commit-status gating, Progressing). */
  skipped: number;
  /** Permanent failures: bad Provider configuration, a 4xx answer, an unsupported type. */
  failed: number;
  /** Events still undelivered when their retention ran out. */
  expired: number;
  /** Identical copies of a recent event (a retried status write, several Alerts' duplicates). */
  duplicates: number;
  /** The last failure or expiry, secret-free, for the query and the UI. */
  lastError?: string;
}

/** Input of the delivery workflow; optional fields have the defaults documented on each. */
export interface NotificationWorkflowInput {
  cluster: string;
  provider: NotificationObjectRef;
  /** How long an event may wait for a Provider that fails or is down (default 1 h). */
  retentionMs?: number;
  /** Least time between two sends to this Provider, its rate limit (default 1 s). */
  minIntervalMs?: number;
  /** First retry delay of a failed send, doubling up to `maxRetryIntervalMs` (default 2 s). */
  retryInitialMs?: number;
  /** Longest delay between two retries of a send (default 1 min). */
  maxRetryIntervalMs?: number;
  /** How long an idle workflow waits for new events before it ends (default 1 h). */
  idleTimeoutMs?: number;
  /** Carried across continue-as-new. */
  carried?: {
    pending: QueuedNotification[];
    recent: { key: string; at: number }[];
    stats: NotificationStats;
    /** When the last send started (workflow time), for the rate limit. */
    lastSentAt?: number;
  };
}

/** What the delivery workflow is holding and has done. */
export interface NotificationProgress extends NotificationStats {
  pending: number;
}

export const notificationStatsQuery = defineQuery<NotificationProgress>('notificationStats');

/** Input of the `deliverNotification` activity: references and the event, never credentials. */
export interface DeliverNotificationInput {
  provider: NotificationObjectRef;
  request: NotificationRequest;
}

/** What one delivery did. */
export interface DeliverNotificationResult {
  outcome: 'delivered' | 'skipped';
  /** Why it was skipped, e.g. `provider is suspended`. */
  detail?: string;
}
