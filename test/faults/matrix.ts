/**
 * The fault-injection matrix: which faults, at which step boundaries, of which kinds. A step
 * boundary is "the n-th time activity X is scheduled in the reconcile's workflow history"; the
 * fault lands while X runs or right after it, whichever the history shows first.
 */

export const FAULTS = ['worker-sigkill', 'temporal-restart', 'apiserver-outage'] as const;
export type FaultType = (typeof FAULTS)[number];

export const KINDS = ['kustomization', 'helmrelease'] as const;
export type ReconcileKind = (typeof KINDS)[number];

export interface StepBoundary {
  /** Short name used in the table. */
  step: string;
  /** Activity type whose scheduling marks the boundary. */
  activity: string;
  /** Which scheduling of it (writeStatus runs twice in a Kustomization pass, observeRelease twice in a HelmRelease's). */
  occurrence: number;
}

/** The activities of one clean first pass, in order (workflows/kustomization.ts, workflows/helmrelease.ts). */
export const STEPS: Record<ReconcileKind, StepBoundary[]> = {
  kustomization: [
    { step: 'load', activity: 'loadKustomization', occurrence: 1 },
    { step: 'progressing', activity: 'writeStatus', occurrence: 1 },
    { step: 'build', activity: 'buildKustomization', occurrence: 1 },
    { step: 'apply', activity: 'applyKustomization', occurrence: 1 },
    { step: 'prune', activity: 'pruneKustomization', occurrence: 1 },
    { step: 'health', activity: 'checkKustomizationHealth', occurrence: 1 },
    { step: 'status', activity: 'writeStatus', occurrence: 2 },
  ],
  helmrelease: [
    { step: 'load', activity: 'loadHelmRelease', occurrence: 1 },
    { step: 'observe', activity: 'observeRelease', occurrence: 1 },
    { step: 'install', activity: 'helmInstall', occurrence: 1 },
    { step: 'observe-after', activity: 'observeRelease', occurrence: 2 },
    { step: 'status', activity: 'writeStatus', occurrence: 1 },
  ],
};

/**
 * Steps that come after the wait for the gated Pods (health checks, helm --wait): their boundary is
 * only reached once the Pods can schedule, so the scenario opens the gate before waiting for it.
 */
const AFTER_THE_WAIT: Record<ReconcileKind, readonly string[]> = {
  kustomization: ['status'],
  helmrelease: ['observe-after', 'status'],
};

/** Whether the scenario must let its Pods schedule before the fault's boundary can be reached. */
export function opensGateFirst(s: Pick<Scenario, 'kind' | 'at'>): boolean {
  return AFTER_THE_WAIT[s.kind].includes(s.at.step);
}

export interface Scenario {
  kind: ReconcileKind;
  fault: FaultType;
  at: StepBoundary;
}

export const scenarioName = (s: Scenario): string => `${s.kind} / ${s.fault} @ ${s.at.step}`;

function boundary(kind: ReconcileKind, step: string): StepBoundary {
  const found = STEPS[kind].find((b) => b.step === step);
  if (!found) throw new Error(`no step ${step} for ${kind}`);
  return found;
}

/** Every step × every fault of the given kinds. */
export function fullMatrix(kinds: readonly ReconcileKind[] = KINDS, faults: readonly FaultType[] = FAULTS): Scenario[] {
  return kinds.flatMap((kind) => STEPS[kind].flatMap((at) => faults.map((fault) => ({ kind, fault, at }))));
}

/** One scenario per fault type, for `npm test`: the ones most likely to duplicate or lose work. */
export const REDUCED: Scenario[] = [
  { kind: 'helmrelease', fault: 'worker-sigkill', at: boundary('helmrelease', 'install') },
  { kind: 'kustomization', fault: 'temporal-restart', at: boundary('kustomization', 'build') },
  { kind: 'kustomization', fault: 'apiserver-outage', at: boundary('kustomization', 'health') },
];
