import { Command } from 'commander';
import type { CliContext } from './context.js';
import { usageError } from './errors.js';
import { resolveGetTarget } from './kinds.js';
import { getFluxObject, listFluxObjects } from './objects.js';
import { formatAge, renderData, renderTable, truncate } from './output.js';
import { summarize, suspendedCell, type ObjectSummary } from './summary.js';

function readyCell(ctx: CliContext, ready: ObjectSummary['ready']): string {
  const c = ctx.colors;
  return ready === 'True' ? c.green(ready) : ready === 'False' ? c.red(ready) : c.yellow(ready);
}

function table(ctx: CliContext, rows: ObjectSummary[], opts: { namespaces: boolean; kinds: boolean }): string {
  const now = new Date();
  const head = [
    ...(opts.namespaces ? ['namespace'] : []),
    ...(opts.kinds ? ['kind'] : []),
    'name',
    'ready',
    'revision',
    'suspended',
    'age',
    'message',
  ];
  return renderTable(
    head,
    rows.map((r) => [
      ...(opts.namespaces ? [r.namespace] : []),
      ...(opts.kinds ? [r.kind] : []),
      r.name,
      readyCell(ctx, r.ready),
      r.revision,
      r.suspended ? ctx.colors.yellow(suspendedCell(r)) : suspendedCell(r),
      formatAge(r.createdAt, now),
      truncate(r.message, 100),
    ])
  );
}

/** `ballast get`. */
export function getCommand(ctx: CliContext): Command {
  return new Command('get')
    .description('List Flux objects: Ready, revision, suspension (who and why), age and message')
    .argument('<what>', 'kustomizations | helmreleases | sources | all, or any kind (ks, hr, gitrepo, helmrepo, hc)')
    .argument('[name]', 'only this object')
    .option('-n, --namespace <namespace>', 'namespace (default: the kubeconfig context’s, else "default")')
    .option('-A, --all-namespaces', 'list in every namespace')
    .action(async (what: string, name: string | undefined, opts: { namespace?: string; allNamespaces?: boolean }) => {
      const kinds = resolveGetTarget(what);
      const [kind] = kinds;
      if (name !== undefined && (kinds.length !== 1 || !kind)) throw usageError(`a name needs one kind, not "${what}"`);
      if (name !== undefined && opts.allNamespaces) throw usageError('a name needs one namespace: use -n, not -A');
      const namespace = opts.allNamespaces ? undefined : ctx.namespace(opts.namespace);
      let rows: ObjectSummary[];
      if (name !== undefined && kind && namespace !== undefined) {
        rows = [summarize(kind.kind, await getFluxObject(ctx, kind, namespace, name))];
      } else {
        const lists = await Promise.all(
          kinds.map(async (k) => ({ k, items: await listFluxObjects(ctx, k, namespace) }))
        );
        rows = lists.flatMap(({ k, items }) => items.map((o) => summarize(k.kind, o)));
      }
      const format = ctx.opts.output;
      if (format !== 'table') return ctx.io.out(renderData(format, rows));
      if (rows.length === 0) return ctx.io.err(`No ${what} found${namespace ? ` in namespace ${namespace}` : ''}.\n`);
      ctx.io.out(table(ctx, rows, { namespaces: namespace === undefined, kinds: kinds.length > 1 }));
    });
}
