import { Command } from 'commander';
import { reconcileProgress } from '../reconcile.js';
import type { CliContext } from './context.js';
import { reconcileRows, snapshotRows, type ReconcileRow, type SnapshotRow } from './history-rows.js';
import { resolveKind } from './kinds.js';
import { getFluxObject } from './objects.js';
import { formatAge, formatElapsed, renderData, renderTable, truncate } from './output.js';

/** The workflow's recent reconciles, or why they are not available (history then shows status alone). */
async function workflowRows(
  ctx: CliContext,
  kind: string,
  namespace: string,
  name: string
): Promise<{ rows: ReconcileRow[]; unavailable?: string }> {
  try {
    const progress = await reconcileProgress(await ctx.temporal(), ctx.ref(kind, namespace, name));
    return { rows: reconcileRows(progress.recent) };
  } catch (err) {
    // Status history is still worth showing when Temporal is down or the loop is not running.
    return { rows: [], unavailable: err instanceof Error ? err.message : String(err) };
  }
}

function tables(ctx: CliContext, reconciles: ReconcileRow[], snapshots: SnapshotRow[]): string {
  const now = new Date();
  const c = ctx.colors;
  const recent = renderTable(
    ['finished', 'result', 'reason', 'revision', 'duration', 'changed', 'message'],
    reconciles.map((r) => [
      r.finishedAt ? `${formatAge(r.finishedAt, now)} ago` : '-',
      r.result === 'Succeeded' ? c.green(r.result) : c.red(r.result),
      r.reason,
      r.revision,
      formatElapsed(r.durationMs),
      r.objectsChanged === undefined ? '-' : String(r.objectsChanged),
      truncate(r.message, 80),
    ])
  );
  const snaps = renderTable(
    ['revision', 'status', 'last', 'duration', 'reconciles'],
    snapshots.map((s) => [
      s.revision,
      s.status,
      s.at ? `${formatAge(s.at, now)} ago` : '-',
      s.duration ?? '-',
      s.reconciles === undefined ? '-' : String(s.reconciles),
    ])
  );
  return (
    `${c.bold('Recent reconciles')} (newest first, from the workflow)\n${reconciles.length > 0 ? recent : '  none recorded\n'}\n` +
    `${c.bold('Snapshots')} (status.history)\n${snapshots.length > 0 ? snaps : '  none\n'}`
  );
}

/** `ballast history`. */
export function historyCommand(ctx: CliContext): Command {
  return new Command('history')
    .description('Past reconciles: when, result, revision, duration and objects changed')
    .argument('<kind>', 'kustomization (ks), helmrelease (hr), gitrepository (gitrepo), helmrepository, helmchart')
    .argument('<name>', 'object name')
    .option('-n, --namespace <namespace>', 'namespace (default: the kubeconfig context’s, else "default")')
    .action(async (kindWord: string, name: string, opts: { namespace?: string }) => {
      const kind = resolveKind(kindWord);
      const namespace = ctx.namespace(opts.namespace);
      const obj = await getFluxObject(ctx, kind, namespace, name);
      const snapshots = snapshotRows(obj.status?.history);
      const { rows, unavailable } = await workflowRows(ctx, kind.kind, namespace, name);
      if (unavailable) ctx.io.err(`note: the workflow's reconcile history is not available: ${unavailable}\n`);
      const data = { object: { kind: kind.kind, namespace, name }, reconciles: rows, snapshots };
      ctx.io.out(ctx.opts.output === 'table' ? tables(ctx, rows, snapshots) : renderData(ctx.opts.output, data));
    });
}
