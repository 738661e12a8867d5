/**
 * The `reportNotificationFailure` activity: a delivery that failed for good, or expired, becomes
 * a Warning Event on the Alert (`NotificationDispatchFailed`, as notification-controller emits),
 * so `kubectl describe alert` shows it next to the worker's error log. The message is the
 * delivery's, already masked of secrets.
 *
 * @module
 */
import { hostname } from 'node:os';
import { AlertKind } from '../../api/alert.js';
import type { NotificationObjectRef } from '../../api/notification.js';
import { Reason } from '../../api/reasons.js';
import { createKubeEventSink } from '../events/kube-events.js';
import type { KubeClients } from '../kube/client.js';

/** Input of `reportNotificationFailure`. */
export interface ReportNotificationFailureInput {
  alert: NotificationObjectRef;
  /** What failed, e.g. `failed to send notification for Kustomization/apps/web: … HTTP 403`. */
  message: string;
}

/** The activity; see the module comment. */
export function createReportActivities(deps: { kube: KubeClients }): {
  reportNotificationFailure(input: ReportNotificationFailureInput): Promise<void>;
} {
  const events = createKubeEventSink({ core: deps.kube.core });
  return {
    async reportNotificationFailure({ alert, message }) {
      await events.record({
        involvedObject: { apiVersion: AlertKind.apiVersion, kind: AlertKind.kind, ...alert },
        severity: 'error',
        timestamp: new Date().toISOString(),
        message,
        reason: Reason.NotificationDispatchFailed,
        metadata: {},
        reportingController: 'notification-controller',
        reportingInstance: hostname(),
      });
    },
  };
}
