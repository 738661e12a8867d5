/**
 * The durable delivery queue of one Provider, ID `<cluster>/notify/<namespace>/<provider>`.
 * The notification sink signals events in (`notify`); the loop sends them in order, one
 * `deliverNotification` activity each:
 *
 * - a Provider that is down or answers 5xx/429 is retried by Temporal's retry policy with
 *   exponential backoff (from `retryInitialMs`, doubling to `maxRetryIntervalMs`);
 * - each event's retention (default 1 h, from when it was queued) is the activity's
 *   schedule-to-close timeout, so an outage delays an alert by at most that; an event still
 *   undelivered then is counted as expired and logged as an error with the last failure;
 * - a rate limit keeps `minIntervalMs` between sends, with a workflow timer;
 * - identical copies within 5 minutes are dropped (Flux's event rate limit);
 * - after 100 deliveries (or when the server suggests it) it continues as new with the queue,
 *   and after `idleTimeoutMs` without events it ends; the next event starts it again.
 *
 * The activity reads the Provider and its Secret at send time: history holds the event and
 * references only.
 *
 * @module
 */
import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  sleep,
  TimeoutFailure,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import {
  notificationStatsQuery,
  notifySignal,
  type NotificationStats,
  type NotificationWorkflowInput,
  type QueuedNotification,
} from '../api/notification.js';
import {
  alertOf,
  DELIVERIES_PER_RUN,
  deliverySettings,
  eventLabel,
  lastFailureMessage,
  MAX_PENDING,
  recentOnly,
  requestKey,
} from './notification-queue.js';

/** Start-to-close of one send attempt; the activity caps each request at 60 s. */
const SEND_ATTEMPT_TIMEOUT = '2 minutes';

/** Writing the failure Event on the Alert: a Kubernetes call, retried briefly, never blocking the queue long. */
const { reportNotificationFailure } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 5 },
});

/** Delivers the events queued for one Provider; see the module comment. */
export async function notificationWorkflow(input: NotificationWorkflowInput): Promise<void> {
  const settings = deliverySettings(input);
  const provider = `${input.provider.namespace}/${input.provider.name}`;
  const pending: QueuedNotification[] = [...(input.carried?.pending ?? [])];
  let recent = [...(input.carried?.recent ?? [])];
  const stats: NotificationStats = input.carried?.stats ?? {
    delivered: 0,
    skipped: 0,
    failed: 0,
    expired: 0,
    duplicates: 0,
  };
  let lastSentAt = input.carried?.lastSentAt;

  // Failures and expiries are logged at once and written as Events on the Alert by the loop.
  const reports: { alert: QueuedNotification['request']['alert']; message: string }[] = [];
  const expire = (q: QueuedNotification, why: string): void => {
    stats.expired++;
    stats.lastError = `${eventLabel(q)}: ${why}`;
    log.error('notification expired undelivered', { provider, alert: alertOf(q), event: eventLabel(q), why });
    reports.push({ alert: q.request.alert, message: `notification for ${eventLabel(q)} expired undelivered: ${why}` });
  };

  setHandler(notifySignal, (request) => {
    const now = Date.now();
    recent = recentOnly(recent, now);
    const key = requestKey(request);
    if (recent.some((r) => r.key === key)) {
      stats.duplicates++;
      return;
    }
    recent.push({ key, at: now });
    pending.push({ request, queuedAt: now });
    if (pending.length > MAX_PENDING) expire(pending.shift()!, `the queue holds more than ${MAX_PENDING} events`);
  });
  setHandler(notificationStatsQuery, () => ({ ...stats, pending: pending.length }));

  const deliver = async (q: QueuedNotification): Promise<void> => {
    const remainingMs = q.queuedAt + settings.retentionMs - Date.now();
    if (remainingMs <= 0) return expire(q, 'its retention ended before it could be sent');
    const { deliverNotification } = proxyActivities<Activities>({
      startToCloseTimeout: SEND_ATTEMPT_TIMEOUT,
      scheduleToCloseTimeout: remainingMs,
      retry: {
        initialInterval: settings.retryInitialMs,
        backoffCoefficient: 2,
        maximumInterval: settings.maxRetryIntervalMs,
      },
    });
    lastSentAt = Date.now();
    try {
      const result = await deliverNotification({ provider: input.provider, request: q.request });
      if (result.outcome === 'delivered') stats.delivered++;
      else {
        stats.skipped++;
        log.info('notification skipped', { provider, alert: alertOf(q), event: eventLabel(q), why: result.detail });
      }
    } catch (err) {
      if (!(err instanceof ActivityFailure) || isCancellation(err)) throw err;
      const last = lastFailureMessage(err);
      if (err.cause instanceof TimeoutFailure) return expire(q, `still failing after its retention: ${last}`);
      stats.failed++;
      stats.lastError = `${eventLabel(q)}: ${last}`;
      log.error('notification failed', { provider, alert: alertOf(q), event: eventLabel(q), error: last });
      reports.push({ alert: q.request.alert, message: `failed to send notification for ${eventLabel(q)}: ${last}` });
    }
  };

  for (let sent = 0; ;) {
    if (!(await condition(() => pending.length > 0, settings.idleTimeoutMs))) {
      await condition(allHandlersFinished);
      if (pending.length === 0) return;
    }
    // Rate limit: sends to this Provider start at least minIntervalMs apart.
    const waitMs = lastSentAt === undefined ? 0 : lastSentAt + settings.minIntervalMs - Date.now();
    if (waitMs > 0) await sleep(waitMs);
    await deliver(pending[0]!);
    pending.shift();
    await reportFailures(reports.splice(0));
    if (++sent >= DELIVERIES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      return await continueAsNew<typeof notificationWorkflow>({
        ...input,
        carried: { pending, recent, stats, lastSentAt },
      });
    }
  }
}

/** Writes each report as an Event on its Alert; an Event that cannot be written is only logged. */
async function reportFailures(
  reports: { alert: { namespace: string; name: string }; message: string }[]
): Promise<void> {
  for (const r of reports) {
    try {
      await reportNotificationFailure(r);
    } catch (err) {
      if (isCancellation(err)) throw err;
      log.warn('could not write the failure Event on the Alert', {
        alert: `${r.alert.namespace}/${r.alert.name}`,
        err: String(err),
      });
    }
  }
}
