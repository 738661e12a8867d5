/**
 * The notification EventSink: for each event, the Alerts (cluster-wide, as Flux lists them) that
 * select it, and for each, the event queued on its Provider's durable delivery workflow with
 * `signalWithStart` (ID `<cluster>/notify/<namespace>/<provider>`). Delivery, retries and rate
 * limiting happen there; this only decides who gets the event.
 *
 * @module
 */
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { AlertKind, AlertSchema, type Alert } from '../../api/alert.js';
import type { EventSink, FluxEvent } from '../../api/events.js';
import { validate } from '../../api/meta.js';
import {
  NOTIFICATION_WORKFLOW_TYPE,
  notificationWorkflowId,
  notifySignal,
  type NotificationRequest,
  type NotificationWorkflowInput,
} from '../../api/notification.js';
import { BallastCluster, BallastKind, BallastName, BallastNamespace } from '../../api/search-attributes.js';
import type { KubeClients } from '../kube/client.js';
import { isNotFound } from '../kube/errors.js';
import { alertMatches, needsLabels, notificationRequest } from './matcher.js';

/** Delivery settings passed to every delivery workflow this sink starts (defaults in api/notification.ts). */
export type DeliveryOptions = Omit<NotificationWorkflowInput, 'cluster' | 'provider' | 'carried'>;

export interface NotificationSinkOptions {
  kube: KubeClients;
  temporal: Client;
  taskQueue: string;
  /** The cluster name, first segment of the workflow ID. */
  cluster: string;
  log: Logger;
  delivery?: DeliveryOptions;
}

/** Queues each event on the delivery workflow of every Provider whose Alert selects it. */
export class NotificationSink implements EventSink {
  constructor(private readonly opts: NotificationSinkOptions) {}

  /**
   * Matches and queues the event. Throws when the Alerts cannot be listed or an event cannot be
   * queued (after trying every matching Alert), so a caller that retries re-records it; the
   * delivery workflow drops the copies it already holds.
   */
  async record(event: FluxEvent): Promise<void> {
    const alerts = await this.listAlerts();
    let labels: Record<string, string> | undefined;
    let labelsRead = false;
    const failures: string[] = [];
    for (const alert of alerts) {
      if (!labelsRead && needsLabels(alert, event)) {
        labels = await this.readLabels(event);
        labelsRead = true;
      }
      if (!alertMatches(alert, event, labels)) continue;
      try {
        await this.enqueue(alert, notificationRequest(event, alert));
      } catch (err) {
        failures.push(`${alert.metadata.namespace}/${alert.metadata.name}: ${String(err)}`);
      }
    }
    if (failures.length > 0) throw new Error(`queueing the event for its Alerts failed: ${failures.join('; ')}`);
  }

  /**
   * Every valid Alert in the cluster; invalid ones are logged with what to fix and skipped. None
   * when the Alert CRD is not installed (a cluster that does not use notifications).
   */
  private async listAlerts(): Promise<Alert[]> {
    let list: { items?: unknown[] };
    try {
      list = (await this.opts.kube.custom.listClusterCustomObject({
        group: AlertKind.group,
        version: AlertKind.version,
        plural: AlertKind.plural,
      })) as { items?: unknown[] };
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
    const alerts: Alert[] = [];
    for (const item of list.items ?? []) {
      const parsed = validate(AlertSchema, {
        apiVersion: AlertKind.apiVersion,
        kind: AlertKind.kind,
        ...(item as object),
      });
      if (parsed.ok) alerts.push(parsed.value);
      else {
        const meta = (item as { metadata?: { namespace?: string; name?: string } }).metadata;
        this.opts.log.warn(
          { alert: `${meta?.namespace}/${meta?.name}`, problems: parsed.message },
          'ignoring invalid Alert'
        );
      }
    }
    return alerts;
  }

  /** The labels of the event's object; undefined (and a warning) when it cannot be read. */
  private async readLabels(event: FluxEvent): Promise<Record<string, string> | undefined> {
    const o = event.involvedObject;
    try {
      const obj = await this.opts.kube.objects.read({
        apiVersion: o.apiVersion,
        kind: o.kind,
        metadata: { name: o.name, namespace: o.namespace },
      });
      return obj.metadata?.labels ?? {};
    } catch (err) {
      this.opts.log.warn(
        { object: `${o.kind}/${o.namespace}/${o.name}`, err: String(err) },
        'cannot read labels for matchLabels'
      );
      return undefined;
    }
  }

  private async enqueue(alert: Alert, request: NotificationRequest): Promise<void> {
    const provider = { namespace: request.alert.namespace, name: alert.spec.providerRef.name };
    const input: NotificationWorkflowInput = { cluster: this.opts.cluster, provider, ...this.opts.delivery };
    const workflowId = notificationWorkflowId(this.opts.cluster, provider);
    await this.opts.temporal.workflow.signalWithStart(NOTIFICATION_WORKFLOW_TYPE, {
      workflowId,
      taskQueue: this.opts.taskQueue,
      args: [input],
      signal: notifySignal,
      signalArgs: [request],
      typedSearchAttributes: [
        { key: BallastKind, value: 'Provider' },
        { key: BallastNamespace, value: provider.namespace },
        { key: BallastName, value: provider.name },
        { key: BallastCluster, value: this.opts.cluster },
      ],
    });
    this.opts.log.debug({ workflowId, alert: `${request.alert.namespace}/${request.alert.name}` }, 'event queued');
  }
}
