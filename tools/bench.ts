/**
 * `npm run bench -- --kind kustomization|helmrelease --count N [--sources 1|N] [--out DIR]`:
 * one benchmark run (see bench/harness.ts); prints the table and writes bench/results/.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { runBench } from '../bench/harness.js';
import { markdownTable, RESULTS_DIR, writeResults } from '../bench/report.js';

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
  .option('--out <dir>', 'results directory', RESULTS_DIR)
  .parse();

const opts = program.opts<{ kind: 'kustomization' | 'helmrelease'; count: number; sources: '1' | 'N'; out: string }>();
const result = await runBench({ kind: opts.kind, count: opts.count, sources: opts.sources });
const files = await writeResults(result, opts.out);
console.log(markdownTable([result]));
console.log(`wrote ${files.join(', ')}`);
