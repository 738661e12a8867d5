/**
 * The kstatus rules (sigs.k8s.io/cli-utils/pkg/kstatus/status `Compute`) that Flux health checks use:
 * reduce a live object to one of a few statuses, with a message a person can act on.
 *
 * Order, as in kstatus: generic rules first (deletion, unobserved generation, `Reconciling`/`Stalled`
 * conditions), then the rule of a built-in kind, then a fallback. Deliberate differences from upstream:
 * - Job is Current only once Complete, like Flux's own Job status reader (kstatus says Current while running);
 * - a Pod in phase Failed is Failed (kstatus says Current, "completed, but not successfully");
 * - a LoadBalancer Service waits for `status.loadBalancer.ingress` (kstatus only checks `spec.clusterIP`),
 *   so on a cluster with no load-balancer controller it never becomes Current;
 * - Namespace has a rule (phase Terminating → Terminating);
 * - for other kinds a `Ready` condition decides (True → Current, else InProgress), which is how Flux's own
 *   objects and most operators report readiness; kstatus would call them Current regardless.
 *
 * One short rule per kind, kept together as upstream's core.go does so the dispatch table reads in one
 * place; that is why the file runs past 300 lines.
 *
 * @module
 */

/** A kstatus status. `NotFound` is never computed here; callers report it when the GET returns 404. */
export type KstatusStatus = 'InProgress' | 'Failed' | 'Current' | 'Terminating' | 'NotFound' | 'Unknown';

/** The outcome of {@link computeStatus}. */
export interface StatusResult {
  status: KstatusStatus;
  /** Why, in words, e.g. "Deployment has 1/3 available replicas". */
  message: string;
}

/** The part of an object the rules read; a `KubernetesObject` (or any live object) satisfies it. */
export interface StatusSubject {
  apiVersion?: string;
  kind?: string;
  metadata?: { generation?: number; deletionTimestamp?: string | Date };
  spec?: unknown;
  status?: unknown;
}

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

type Rule = (obj: StatusSubject, conditions: Condition[]) => StatusResult;

const current = (message: string): StatusResult => ({ status: 'Current', message });
const inProgress = (message: string): StatusResult => ({ status: 'InProgress', message });
const failed = (message: string): StatusResult => ({ status: 'Failed', message });

/**
 * Computes the kstatus status of a live object. Pure: reads only the object given.
 *
 * @example
 * computeStatus({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 3 },
 *   status: { replicas: 3, updatedReplicas: 3, readyReplicas: 1, availableReplicas: 1 } });
 * // { status: 'InProgress', message: 'Deployment has 1/3 available replicas' }
 */
export function computeStatus(obj: StatusSubject): StatusResult {
  // Checked, not trusted: the object is untyped JSON, and a non-string apiVersion used to throw.
  const kind = str(obj.kind);
  if (kind === '') return { status: 'Unknown', message: 'object has no kind' };
  const conditions = conditionsOf(obj.status);
  const generic = genericStatus(obj, kind, conditions);
  if (generic) return generic;
  const apiVersion = str(obj.apiVersion);
  const slash = apiVersion.indexOf('/');
  const group = slash === -1 ? '' : apiVersion.slice(0, slash);
  const rule = RULES.get(group ? `${group}/${kind}` : kind);
  if (rule) return rule(obj, conditions);
  const ready = conditions.find((c) => c.type === 'Ready');
  if (!ready) return current(`${kind} is current`);
  if (ready.status === 'True') return current(ready.message || `${kind} is Ready`);
  return inProgress(`${kind} is not Ready${describe(ready)}`);
}

/** Rules that hold for every kind; undefined when they cannot decide. */
function genericStatus(obj: StatusSubject, kind: string, conditions: Condition[]): StatusResult | undefined {
  const deletion = obj.metadata?.deletionTimestamp;
  if (deletion instanceof Date || (typeof deletion === 'string' && deletion !== '')) {
    return { status: 'Terminating', message: `${kind} is scheduled for deletion` };
  }
  const generation = obj.metadata?.generation;
  const observed = at(obj.status, 'observedGeneration');
  if (Number.isInteger(generation) && Number.isInteger(observed) && generation !== observed) {
    return inProgress(
      `${kind} generation is ${String(generation)}, but latest observed generation is ${String(observed)}`
    );
  }
  // First match wins, in the order the controller wrote them, as kstatus does.
  for (const c of conditions) {
    if (c.type === 'Reconciling' && c.status === 'True') return inProgress(c.message || `${kind} is reconciling`);
    if (c.type === 'Stalled' && c.status === 'True') return failed(c.message || `${kind} is stalled`);
  }
  return undefined;
}

const MAX_INT32 = 2_147_483_647;

const deployment: Rule = (obj, conditions) => {
  // Without progressDeadlineSeconds the controller never sets Progressing, so do not wait for it.
  let progressing = int(obj.spec, 'progressDeadlineSeconds', MAX_INT32) === MAX_INT32;
  let available = false;
  for (const c of conditions) {
    if (c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded') {
      return failed(`Deployment exceeded its progress deadline${describe(c)}`);
    }
    if (c.type === 'Progressing' && c.status === 'True' && c.reason === 'NewReplicaSetAvailable') progressing = true;
    if (c.type === 'Available' && c.status === 'True') available = true;
  }
  const want = int(obj.spec, 'replicas', 1);
  const replicas = int(obj.status, 'replicas', 0);
  const updated = int(obj.status, 'updatedReplicas', 0);
  const ready = int(obj.status, 'readyReplicas', 0);
  const avail = int(obj.status, 'availableReplicas', 0);
  if (want > replicas) return inProgress(`Deployment has ${replicas}/${want} replicas`);
  if (want > updated) return inProgress(`Deployment has ${updated}/${want} updated replicas`);
  if (replicas > want) return inProgress(`Deployment has ${replicas - want} old replicas pending termination`);
  if (updated > avail) return inProgress(`Deployment has ${avail}/${updated} available replicas`);
  if (want > ready) return inProgress(`Deployment has ${ready}/${want} ready replicas`);
  if (!progressing) return inProgress('Deployment rollout is in progress: new ReplicaSet is not available yet');
  if (!available) return inProgress('Deployment does not have minimum availability');
  return current(`Deployment is available with ${replicas}/${want} replicas`);
};

// StatefulSet never sets conditions, so only the counters and revisions say whether a rollout is done.
const statefulSet: Rule = (obj) => {
  if (at(obj.spec, 'updateStrategy', 'type') === 'OnDelete')
    return current('StatefulSet uses the OnDelete update strategy');
  const want = int(obj.spec, 'replicas', 1);
  const replicas = int(obj.status, 'replicas', 0);
  const ready = int(obj.status, 'readyReplicas', 0);
  const updated = int(obj.status, 'updatedReplicas', 0);
  if (want > replicas) return inProgress(`StatefulSet has ${replicas}/${want} replicas`);
  if (want > ready) return inProgress(`StatefulSet has ${ready}/${want} ready replicas`);
  if (replicas > want) return inProgress(`StatefulSet has ${replicas - want} extra replicas pending termination`);
  const partition = int(obj.spec, 'updateStrategy', 'rollingUpdate', 'partition', -1);
  if (partition !== -1) {
    const target = want - partition;
    if (updated < target)
      return inProgress(`StatefulSet partitioned rollout has updated ${updated}/${target} replicas`);
    return current(`StatefulSet partitioned rollout is complete with ${updated} updated replicas`);
  }
  const currentReplicas = int(obj.status, 'currentReplicas', 0);
  if (want > currentReplicas) return inProgress(`StatefulSet has ${currentReplicas}/${want} current replicas`);
  const currentRevision = str(at(obj.status, 'currentRevision'));
  const updateRevision = str(at(obj.status, 'updateRevision'));
  if (currentRevision !== updateRevision) {
    return inProgress(`StatefulSet is rolling out revision ${updateRevision}`);
  }
  return current(`StatefulSet has all ${replicas} replicas ready`);
};

const daemonSet: Rule = (obj) => {
  const desired = int(obj.status, 'desiredNumberScheduled', -1);
  if (desired === -1) return inProgress('DaemonSet status has not been observed yet');
  const counts: [string, number][] = [
    ['scheduled', int(obj.status, 'currentNumberScheduled', 0)],
    ['updated', int(obj.status, 'updatedNumberScheduled', 0)],
    ['available', int(obj.status, 'numberAvailable', 0)],
    ['ready', int(obj.status, 'numberReady', 0)],
  ];
  for (const [what, n] of counts) if (desired > n) return inProgress(`DaemonSet has ${n}/${desired} ${what} pods`);
  return current(`DaemonSet has all ${desired} pods ready`);
};

const replicaSet: Rule = (obj, conditions) => {
  const failure = conditions.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  if (failure) return inProgress(`ReplicaSet cannot create pods${describe(failure)}`);
  const want = int(obj.spec, 'replicas', 1);
  const counts: [string, number][] = [
    ['fully labeled', int(obj.status, 'fullyLabeledReplicas', 0)],
    ['available', int(obj.status, 'availableReplicas', 0)],
    ['ready', int(obj.status, 'readyReplicas', 0)],
  ];
  for (const [what, n] of counts) if (want > n) return inProgress(`ReplicaSet has ${n}/${want} ${what} replicas`);
  const replicas = int(obj.status, 'replicas', 0);
  if (replicas > want) return inProgress(`ReplicaSet has ${replicas - want} extra replicas pending termination`);
  return current(`ReplicaSet has all ${want} replicas available`);
};

const pod: Rule = (obj, conditions) => {
  const phase = str(at(obj.status, 'phase'));
  switch (phase) {
    case 'Succeeded':
      return current('Pod has completed successfully');
    case 'Failed':
      return failed(
        `Pod has failed${describe({ reason: str(at(obj.status, 'reason')), message: str(at(obj.status, 'message')) })}`
      );
    case 'Running': {
      if (conditions.some((c) => c.type === 'Ready' && c.status === 'True')) return current('Pod is Ready');
      const looping = crashLooping(obj.status);
      if (looping.length > 0) return failed(`Pod containers are in CrashLoopBackOff: ${looping.join(', ')}`);
      return inProgress('Pod is running but not Ready');
    }
    case 'Pending': {
      const unschedulable = conditions.find(
        (c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable'
      );
      if (unschedulable)
        return failed(`Pod cannot be scheduled${describe({ reason: '', message: unschedulable.message })}`);
      return inProgress('Pod is Pending');
    }
    case '':
      return inProgress('Pod phase has not been observed yet');
    default:
      return { status: 'Unknown', message: `Pod is in phase ${phase}` };
  }
};

/** Names of containers (init containers included) waiting in CrashLoopBackOff. */
function crashLooping(status: unknown): string[] {
  const all = [at(status, 'initContainerStatuses'), at(status, 'containerStatuses')].flatMap((l) =>
    Array.isArray(l) ? (l as unknown[]) : []
  );
  return all
    .filter((cs) => at(cs, 'state', 'waiting', 'reason') === 'CrashLoopBackOff')
    .map((cs) => str(at(cs, 'name')));
}

// Flux's Job reader, not kstatus's: a health check on a Job waits for it to finish.
const job: Rule = (obj, conditions) => {
  const completions = int(obj.spec, 'completions', int(obj.spec, 'parallelism', 1));
  const succeeded = int(obj.status, 'succeeded', 0);
  const failedPods = int(obj.status, 'failed', 0);
  for (const c of conditions) {
    if (c.type === 'Complete' && c.status === 'True')
      return current(`Job has completed: ${succeeded}/${completions} succeeded`);
    if (c.type === 'Failed' && c.status === 'True') {
      return failed(`Job has failed with ${failedPods} failed pods${describe(c)}`);
    }
  }
  return inProgress(
    `Job is in progress: ${int(obj.status, 'active', 0)} active, ${succeeded}/${completions} succeeded, ${failedPods} failed`
  );
};

const pvc: Rule = (obj) => {
  const phase = str(at(obj.status, 'phase')) || 'unknown';
  return phase === 'Bound'
    ? current('PersistentVolumeClaim is Bound')
    : inProgress(`PersistentVolumeClaim is not Bound (phase: ${phase})`);
};

const service: Rule = (obj) => {
  if (at(obj.spec, 'type') !== 'LoadBalancer') return current('Service is ready');
  const ingress = at(obj.status, 'loadBalancer', 'ingress');
  if (Array.isArray(ingress) && ingress.length > 0) return current('Service load balancer is ready');
  return inProgress('Service is waiting for a load balancer address');
};

const crd: Rule = (_obj, conditions) => {
  for (const c of conditions) {
    if (c.type === 'NamesAccepted' && c.status === 'False') return failed(`CRD names were not accepted${describe(c)}`);
    if (c.type === 'Established' && c.status === 'False' && c.reason !== 'Installing')
      return failed(`CRD is not established${describe(c)}`);
    if (c.type === 'Established' && c.status === 'True') return current('CRD is established');
  }
  return inProgress('CRD is being installed');
};

const namespace: Rule = (obj) =>
  at(obj.status, 'phase') === 'Terminating'
    ? { status: 'Terminating', message: 'Namespace is terminating' }
    : current('Namespace is active');

// The disruption controller sets no conditions; observedGeneration (checked generically) is all there is.
const pdb: Rule = () => current('PodDisruptionBudget has computed its allowed disruptions');

/** Rules by `<group>/<kind>` (just `<kind>` for the core group). A Map, so a kind named `constructor` finds nothing. */
const RULES = new Map<string, Rule>([
  ['Pod', pod],
  ['Service', service],
  ['PersistentVolumeClaim', pvc],
  ['Namespace', namespace],
  ['apps/Deployment', deployment],
  ['extensions/Deployment', deployment],
  ['apps/StatefulSet', statefulSet],
  ['apps/DaemonSet', daemonSet],
  ['extensions/DaemonSet', daemonSet],
  ['apps/ReplicaSet', replicaSet],
  ['extensions/ReplicaSet', replicaSet],
  ['policy/PodDisruptionBudget', pdb],
  ['batch/Job', job],
  ['apiextensions.k8s.io/CustomResourceDefinition', crd],
]);

/** `: Reason: message`, leaving out what is empty. */
function describe(c: Pick<Condition, 'reason' | 'message'>): string {
  const parts = [c.reason, c.message].filter((p) => p !== '');
  return parts.length > 0 ? `: ${parts.join(': ')}` : '';
}

function conditionsOf(status: unknown): Condition[] {
  const list = at(status, 'conditions');
  if (!Array.isArray(list)) return [];
  return (list as unknown[]).flatMap((c) => {
    const type = at(c, 'type');
    if (typeof type !== 'string') return [];
    return [{ type, status: str(at(c, 'status')), reason: str(at(c, 'reason')), message: str(at(c, 'message')) }];
  });
}

/** Reads a nested field of untyped JSON; undefined when any step is missing. */
function at(value: unknown, ...path: string[]): unknown {
  let node = value;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** An integer field, or `fallback` when it is missing or not an integer (kstatus GetIntField). */
function int(value: unknown, ...pathAndFallback: [...string[], number]): number {
  const fallback = pathAndFallback[pathAndFallback.length - 1] as number;
  const found = at(value, ...(pathAndFallback.slice(0, -1) as string[]));
  return typeof found === 'number' && Number.isInteger(found) ? found : fallback;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
