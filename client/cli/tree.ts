import { Command } from 'commander';
import type { CliContext } from './context.js';
import { inventoryItems, renderTree } from './inventory-tree.js';
import { resolveKind } from './kinds.js';
import { getFluxObject } from './objects.js';
import { renderData } from './output.js';

/** `ballast tree`. */
export function treeCommand(ctx: CliContext): Command {
  return new Command('tree')
    .description('The objects an object applied (status.inventory), grouped by kind and namespace')
    .argument('<kind>', 'kustomization (ks); other kinds keep no inventory')
    .argument('<name>', 'object name')
    .option('-n, --namespace <namespace>', 'namespace (default: the kubeconfig context’s, else "default")')
    .action(async (kindWord: string, name: string, opts: { namespace?: string }) => {
      const kind = resolveKind(kindWord);
      const namespace = ctx.namespace(opts.namespace);
      const obj = await getFluxObject(ctx, kind, namespace, name);
      const inventory = (obj.status as { inventory?: { entries?: { id: string; v: string }[] } } | undefined)
        ?.inventory;
      const items = inventoryItems(inventory?.entries);
      const root = `${kind.kind} ${namespace}/${name}`;
      if (ctx.opts.output !== 'table') {
        return ctx.io.out(
          renderData(ctx.opts.output, { object: { kind: kind.kind, namespace, name }, objects: items })
        );
      }
      if (!inventory)
        return ctx.io.out(`${root}\n  (no inventory: ${kind.kind} has not applied anything yet, or keeps none)\n`);
      ctx.io.out(renderTree(root, items));
    });
}
