import { Command } from 'commander';
import { actorName, resumePatch, suspendPatch } from '../suspension.js';
import type { CliContext } from './context.js';
import { ExitCode } from './errors.js';
import { resolveKind } from './kinds.js';
import { getFluxObject, patchFluxObject } from './objects.js';
import { renderData } from './output.js';
import { reconcileTarget } from './reconcile.js';
import { parseTimeout } from './timeout.js';
import { summarize } from './summary.js';

const namespaceOption = [
  '-n, --namespace <namespace>',
  'namespace (default: the kubeconfig context’s, else "default")',
] as const;

/** `ballast suspend`. */
export function suspendCommand(ctx: CliContext): Command {
  return new Command('suspend')
    .description('Stop reconciling an object (spec.suspend), recording who suspended it and why')
    .argument('<kind>', 'kustomization (ks), helmrelease (hr), gitrepository (gitrepo), helmrepository, helmchart')
    .argument('<name>', 'object name')
    .option(...namespaceOption)
    .option('--reason <text>', 'why, shown by `ballast get` (annotation ballast.dev/suspend-reason)')
    .action(async (kindWord: string, name: string, opts: { namespace?: string; reason?: string }) => {
      const kind = resolveKind(kindWord);
      const namespace = ctx.namespace(opts.namespace);
      await getFluxObject(ctx, kind, namespace, name);
      const by = actorName({ login: process.env.USER, kubeUser: ctx.kube().config.getCurrentUser()?.name });
      const reason = opts.reason?.trim() || undefined;
      const patched = await patchFluxObject(ctx, kind, namespace, name, suspendPatch(by, reason, new Date()));
      if (ctx.opts.output !== 'table') return ctx.io.out(renderData(ctx.opts.output, summarize(kind.kind, patched)));
      ctx.io.out(`${kind.kind} ${namespace}/${name} suspended by ${by}${reason ? `: ${reason}` : ''}\n`);
    });
}

/** `ballast resume`. */
export function resumeCommand(ctx: CliContext): Command {
  return new Command('resume')
    .description('Resume reconciling a suspended object and wait for its next reconcile')
    .argument('<kind>', 'kustomization (ks), helmrelease (hr), gitrepository (gitrepo), helmrepository, helmchart')
    .argument('<name>', 'object name')
    .option(...namespaceOption)
    .option('--no-wait', 'return once resumed, without waiting for a reconcile')
    .option('--timeout <duration>', 'how long to wait for the reconcile', '5m')
    .action(async (kindWord: string, name: string, opts: { namespace?: string; wait: boolean; timeout: string }) => {
      const kind = resolveKind(kindWord);
      const timeoutMs = parseTimeout(opts.timeout);
      const namespace = ctx.namespace(opts.namespace);
      await getFluxObject(ctx, kind, namespace, name);
      const patched = await patchFluxObject(ctx, kind, namespace, name, resumePatch());
      const format = ctx.opts.output;
      if (format === 'table') ctx.io.out(`${kind.kind} ${namespace}/${name} resumed\n`);
      const result = opts.wait
        ? await reconcileTarget(ctx, { kind: kind.kind, namespace, name }, timeoutMs)
        : undefined;
      if (result && !result.ready) ctx.exitCode = ExitCode.Failed;
      if (format !== 'table') ctx.io.out(renderData(format, { object: summarize(kind.kind, patched), result }));
    });
}
