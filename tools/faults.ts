/**
 * `npm run test:faults [-- --kind kustomization|helmrelease] [--fault …] [--step …] [--outage-seconds 30]`:
 * the fault-injection matrix (test/faults/): SIGKILLed worker, killed-and-restarted Temporal and an
 * unavailable kube-apiserver at every step boundary of a Kustomization and a HelmRelease reconcile.
 * Prints each scenario, then the passed/failed counts per step and fault; exits 1 if any failed.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { FAULTS, KINDS, type FaultType, type ReconcileKind } from '../test/faults/matrix.js';
import { runFullMatrix } from '../test/faults/full-matrix.js';

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive whole number, e.g. 30');
  return n;
};
const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

const program = new Command('faults')
  .description('Inject faults at every step boundary of a reconcile and check it converges without loss or duplication')
  .addOption(new Option('--kind <kind>', 'only this kind (repeatable)').choices([...KINDS]).argParser(collect))
  .addOption(new Option('--fault <fault>', 'only this fault (repeatable)').choices([...FAULTS]).argParser(collect))
  .option('--step <step>', 'only this step, e.g. apply (repeatable)', collect, [])
  .option('--outage-seconds <n>', 'how long kube-apiserver stays down', positiveInt, 30)
  .parse();

const opts = program.opts<{ kind?: ReconcileKind[]; fault?: FaultType[]; step: string[]; outageSeconds: number }>();
const outcomes = await runFullMatrix({
  kinds: opts.kind ?? [...KINDS],
  faults: opts.fault ?? [...FAULTS],
  steps: opts.step,
  outageMs: opts.outageSeconds * 1000,
});
// Exit explicitly: a failed scenario may leave its in-process controller watching an environment
// that is already gone, and those retrying watches would keep this process alive forever.
process.exit(outcomes.every((o) => o.failures.length === 0) ? 0 : 1);
