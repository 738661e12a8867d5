/**
 * `npm run bench -- --kind kustomization|helmrelease --count N [--sources 1|N] [--flux] [--out DIR]
 * [--worker-memory-limit MiB]`:
 * one benchmark run (see bench/harness.ts); prints the table and writes bench/results/. `--flux`
 * also runs Flux's controllers on the same objects afterwards, building them on first use.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { runBench } from '../bench/harness.js';
import { markdownTable, RESULTS_DIR, writeResults } from '../bench/report.js';
import { ensureTools } from './toolchain/build.js';

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive whole number, e.g. 100');
  return n;
};

const program = new Command('bench')
  .description('Time N Kustomizations or HelmReleases from creation to all Ready, and the direct-apply floor')
  .addOption(
    new Option('--kind <kind>', 'what to reconcile').choices(['kustomization', 'helmrelease']).makeOptionMandatory()
  )
  .requiredOption('--count <n>', 'how many objects', positiveInt)
  .addOption(new Option('--sources <mode>', 'one shared source, or one per object').choices(['1', 'N']).default('1'))
  .option('--flux', "also run Flux's controllers on the same objects, after Ballast", false)
  .option('--out <dir>', 'results directory', RESULTS_DIR)
  .option(
    '--worker-memory-limit <MiB>',
    "run the worker in a memory cgroup with this limit, as a pod's memory limit (needs root)",
    positiveInt
  )
  .parse();

const opts = program.opts<{
  kind: 'kustomization' | 'helmrelease';
  count: number;
  sources: '1' | 'N';
  flux: boolean;
  out: string;
  workerMemoryLimit?: number;
}>();
// Flux's controllers are not part of `npm run tools` (nothing else needs them): built here on first use.
if (opts.flux) await ensureTools(console.error, { flux: true });
const result = await runBench({
  kind: opts.kind,
  count: opts.count,
  sources: opts.sources,
  flux: opts.flux,
  workerMemoryLimitMiB: opts.workerMemoryLimit,
});
const files = await writeResults(result, opts.out);
console.log(markdownTable([result]));
console.log(`wrote ${files.join(', ')}`);
