import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Command } from 'commander';
import { parseGitRef, previewKustomization, type KustomizationPreview, type ObjectPreview } from '../preview.js';
import type { Colors, CliContext } from './context.js';
import { CliError, ExitCode, unavailableError, usageError } from './errors.js';
import { resolveKind } from './kinds.js';
import { getFluxObject } from './objects.js';
import { renderData } from './output.js';
import { parseTimeout, withTimeout } from './timeout.js';

const MARK: Record<ObjectPreview['action'], string> = {
  created: '+',
  configured: '~',
  deleted: '-',
  refused: '!',
  unchanged: ' ',
};

/** The preview as a person reads it: a summary line, then each object that would change, with its fields. */
export function renderPreview(object: string, preview: KustomizationPreview, colors: Colors): string {
  const { counts } = preview;
  const paint = (action: ObjectPreview['action'], text: string): string =>
    action === 'created'
      ? colors.green(text)
      : action === 'deleted' || action === 'refused'
        ? colors.red(text)
        : colors.yellow(text);
  const lines = [
    `${object} at ${preview.revision}: ${counts.created} to create, ${counts.configured} to configure, ` +
      `${counts.deleted} to delete, ${counts.unchanged} unchanged${counts.refused ? `, ${counts.refused} refused` : ''}`,
  ];
  for (const o of preview.details.objects) {
    if (o.action === 'unchanged') continue;
    lines.push(paint(o.action, `${MARK[o.action]} ${o.object}${o.action === 'refused' ? `: ${o.message ?? ''}` : ''}`));
    for (const ch of o.changes ?? []) lines.push(`    ${ch.path}: ${ch.from ?? '(unset)'} → ${ch.to ?? '(unset)'}`);
  }
  if (preview.details.truncated) lines.push('(field changes omitted: the diff was too large to return)');
  return `${lines.join('\n')}\n`;
}

/** Turns the preview workflow's failure into the CLI's terms: not found → 3, anything else → 1. */
function previewFailure(err: unknown, taskQueue: string): unknown {
  if (!(err instanceof WorkflowFailedError)) return err;
  let cause: unknown = err.cause;
  while (cause instanceof Error && !(cause instanceof ApplicationFailure) && cause.cause) cause = cause.cause;
  if (cause instanceof ApplicationFailure) {
    const message = `preview failed: ${cause.type ? `${cause.type}: ` : ''}${cause.message}`;
    return cause.type === 'NotFound' ? unavailableError(message) : new CliError(message);
  }
  return new CliError(`preview failed: ${err.message} (is a Ballast worker polling task queue "${taskQueue}"?)`);
}

/** `ballast diff`. */
export function diffCommand(ctx: CliContext): Command {
  return new Command('diff')
    .description(
      'What the next apply would change (server-side dry-run on a Ballast worker); --ref previews another Git revision'
    )
    .argument('<kind>', 'kustomization (ks)')
    .argument('<name>', 'object name')
    .option('-n, --namespace <namespace>', 'namespace (default: the kubeconfig context’s, else "default")')
    .option('--ref <ref>', 'build this branch, full ref (refs/…) or full commit SHA of the GitRepository instead')
    .option('--timeout <duration>', 'how long to wait for the preview', '5m')
    .addHelpText(
      'after',
      '\nThe exit code is 1 when the apiserver would refuse an object, 0 otherwise (changes or not).'
    )
    .action(async (kindWord: string, name: string, opts: { namespace?: string; ref?: string; timeout: string }) => {
      const kind = resolveKind(kindWord);
      if (kind.kind !== 'Kustomization') throw usageError(`diff supports Kustomization, not ${kind.kind}`);
      let gitRef;
      try {
        gitRef = opts.ref === undefined ? undefined : parseGitRef(opts.ref);
      } catch (err) {
        throw usageError((err as Error).message);
      }
      const timeoutMs = parseTimeout(opts.timeout);
      const namespace = ctx.namespace(opts.namespace);
      await getFluxObject(ctx, kind, namespace, name);
      const temporal = await ctx.temporal();
      const { taskQueue } = ctx.opts;
      const preview = await withTimeout(
        previewKustomization(temporal, {
          ref: ctx.ref(kind.kind, namespace, name),
          taskQueue,
          ...(gitRef ? { gitRef } : {}),
        }),
        timeoutMs,
        `no preview after ${opts.timeout}: is a Ballast worker polling task queue "${taskQueue}"?`
      ).catch((err: unknown) => {
        throw previewFailure(err, taskQueue);
      });
      if (preview.counts.refused > 0) ctx.exitCode = ExitCode.Failed;
      const object = `${kind.kind} ${namespace}/${name}`;
      if (ctx.opts.output !== 'table') {
        const { details, ...rest } = preview;
        return ctx.io.out(
          renderData(ctx.opts.output, { ...rest, objects: details.objects, truncated: details.truncated ?? false })
        );
      }
      ctx.io.out(renderPreview(object, preview, ctx.colors));
    });
}
