import type { CoreV1Event } from '@kubernetes/client-node';
import { Command } from 'commander';
import type { CliContext } from './context.js';
import { resolveKind } from './kinds.js';
import { getFluxObject, kubeFailure } from './objects.js';
import { formatAge, renderData, renderTable, truncate } from './output.js';

/** An Event as `ballast events` shows it. */
export interface EventRow {
  type: string;
  reason: string;
  message: string;
  count: number;
  firstSeen?: string;
  lastSeen?: string;
  source: string;
}

const time = (t: Date | string | undefined): string | undefined =>
  t === undefined ? undefined : t instanceof Date ? t.toISOString() : t;

/** Reduces Events to rows, oldest first (as `kubectl events` does). */
export function eventRows(events: readonly CoreV1Event[]): EventRow[] {
  const rows = events.map((e) => {
    const lastSeen = time(e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp);
    const firstSeen = time(e.firstTimestamp ?? e.eventTime);
    return {
      type: e.type ?? '',
      reason: e.reason ?? '',
      message: e.message ?? '',
      count: e.series?.count ?? e.count ?? 1,
      ...(firstSeen ? { firstSeen } : {}),
      ...(lastSeen ? { lastSeen } : {}),
      source: e.reportingComponent || e.source?.component || '',
    };
  });
  return rows.sort((a, b) => (a.lastSeen ?? '').localeCompare(b.lastSeen ?? ''));
}

/** `ballast events`. */
export function eventsCommand(ctx: CliContext): Command {
  return new Command('events')
    .description('Kubernetes Events recorded for an object (involvedObject), oldest first')
    .argument('<kind>', 'kustomization (ks), helmrelease (hr), gitrepository (gitrepo), helmrepository, helmchart')
    .argument('<name>', 'object name')
    .option('-n, --namespace <namespace>', 'namespace (default: the kubeconfig context’s, else "default")')
    .action(async (kindWord: string, name: string, opts: { namespace?: string }) => {
      const kind = resolveKind(kindWord);
      const namespace = ctx.namespace(opts.namespace);
      await getFluxObject(ctx, kind, namespace, name);
      const list = await ctx
        .kube()
        .core.listNamespacedEvent({
          namespace,
          fieldSelector: `involvedObject.kind=${kind.kind},involvedObject.name=${name}`,
        })
        .catch((err: unknown) => {
          throw kubeFailure(ctx, err, `events of ${kind.kind} ${namespace}/${name}`);
        });
      const rows = eventRows(list.items);
      if (ctx.opts.output !== 'table') return ctx.io.out(renderData(ctx.opts.output, rows));
      if (rows.length === 0) return ctx.io.err(`No events for ${kind.kind} ${namespace}/${name}.\n`);
      const now = new Date();
      const c = ctx.colors;
      ctx.io.out(
        renderTable(
          ['last seen', 'type', 'reason', 'count', 'message'],
          rows.map((r) => [
            r.lastSeen ? `${formatAge(r.lastSeen, now)} ago` : '-',
            r.type === 'Warning' ? c.yellow(r.type) : r.type,
            r.reason,
            String(r.count),
            truncate(r.message, 120),
          ])
        )
      );
    });
}
