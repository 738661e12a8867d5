import { Command } from 'commander';
import { helmChartNameFor } from '../../api/helm-release-name.js';
import type { ReconcileResult } from '../../api/messages.js';
import { NoReconcilerError, reconcileAndWait } from '../reconcile.js';
import { suspensionOf } from '../suspension.js';
import type { CliContext } from './context.js';
import { CliError, ExitCode, unavailableError, usageError } from './errors.js';
import { parseTimeout, withTimeout } from './timeout.js';
import { resolveKind } from './kinds.js';
import { getFluxObject, type FluxResource } from './objects.js';
import { formatElapsed, renderData } from './output.js';
import { StepPrinter } from './progress.js';

/** An object to reconcile, by kind name. */
export interface Target {
  kind: string;
  namespace: string;
  name: string;
}

const describe = (t: Target): string => `${t.kind} ${t.namespace}/${t.name}`;

/**
 * The source `--with-source` reconciles first: a Kustomization's `spec.sourceRef`; a HelmRelease's
 * `spec.chartRef`, or the HelmChart its `spec.chart` generates. Undefined for kinds without one.
 */
export function sourceOf(kind: string, obj: FluxResource): Target | undefined {
  const namespace = obj.metadata.namespace ?? 'default';
  const spec = (obj.spec ?? {}) as {
    sourceRef?: { kind: string; name: string; namespace?: string };
    chartRef?: { kind: string; name: string; namespace?: string };
    chart?: { spec?: { sourceRef?: { namespace?: string } } };
  };
  if (kind === 'Kustomization' && spec.sourceRef)
    return { kind: spec.sourceRef.kind, namespace: spec.sourceRef.namespace ?? namespace, name: spec.sourceRef.name };
  if (kind !== 'HelmRelease') return undefined;
  if (spec.chartRef)
    return { kind: spec.chartRef.kind, namespace: spec.chartRef.namespace ?? namespace, name: spec.chartRef.name };
  if (spec.chart) {
    const name = helmChartNameFor({ metadata: { name: obj.metadata.name, namespace }, spec: {} });
    return { kind: 'HelmChart', namespace: spec.chart.spec?.sourceRef?.namespace ?? namespace, name };
  }
  return undefined;
}

/** Reconciles one object through its workflow and waits for that reconcile's result, printing steps in table mode. */
export async function reconcileTarget(ctx: CliContext, target: Target, timeoutMs: number): Promise<ReconcileResult> {
  const temporal = await ctx.temporal();
  const table = ctx.opts.output === 'table';
  const printer = new StepPrinter(ctx.io, ctx.colors);
  if (table) ctx.io.out(`► reconciling ${describe(target)}\n`);
  try {
    const result = await withTimeout(
      reconcileAndWait(temporal, ctx.ref(target.kind, target.namespace, target.name), {
        ...(table ? { onProgress: (p) => printer.step(p.step) } : {}),
      }),
      timeoutMs,
      `timed out after ${formatElapsed(timeoutMs)} waiting for ${describe(target)} to reconcile; it goes on in the background`
    );
    if (table) printer.finish(describe(target), result);
    return result;
  } catch (err) {
    if (err instanceof NoReconcilerError) throw unavailableError(err.message);
    throw err;
  }
}

/** `ballast reconcile`. */
export function reconcileCommand(ctx: CliContext): Command {
  return new Command('reconcile')
    .description('Reconcile an object now and wait for the result of that reconcile, step by step')
    .argument('<kind>', 'kustomization (ks), helmrelease (hr), gitrepository (gitrepo), helmrepository, helmchart')
    .argument('<name>', 'object name')
    .option('-n, --namespace <namespace>', 'namespace (default: the kubeconfig context’s, else "default")')
    .option('--with-source', 'reconcile the source first (spec.sourceRef; for a HelmRelease its HelmChart)')
    .option('--timeout <duration>', 'how long to wait for each reconcile', '5m')
    .action(
      async (kindWord: string, name: string, opts: { namespace?: string; withSource?: boolean; timeout: string }) => {
        const kind = resolveKind(kindWord);
        const timeoutMs = parseTimeout(opts.timeout);
        const namespace = ctx.namespace(opts.namespace);
        const obj = await getFluxObject(ctx, kind, namespace, name);
        const target = { kind: kind.kind, namespace, name };
        const suspension = suspensionOf(obj);
        if (suspension.suspended) {
          const by = suspension.by ? ` by ${suspension.by}` : '';
          throw new CliError(
            `${describe(target)} is suspended${by}; resume it first: ballast resume ${kind.singular} ${name} -n ${namespace}`
          );
        }
        const targets: Target[] = [];
        if (opts.withSource) {
          const source = sourceOf(kind.kind, obj);
          if (!source) throw usageError(`${kind.kind} has no source to reconcile; drop --with-source`);
          targets.push(source);
        }
        targets.push(target);
        const results: { object: Target; result: ReconcileResult }[] = [];
        for (const t of targets) {
          const result = await reconcileTarget(ctx, t, timeoutMs);
          results.push({ object: t, result });
          if (!result.ready) {
            ctx.exitCode = ExitCode.Failed;
            break;
          }
        }
        if (ctx.opts.output !== 'table') ctx.io.out(renderData(ctx.opts.output, results));
      }
    );
}
