import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeStatus, type KstatusStatus, type StatusSubject } from '../../../../activities/kube/kstatus.js';

type Row = [behaviour: string, obj: StatusSubject, status: KstatusStatus, message: string | RegExp];

const cond = (type: string, status: string, reason = '', message = ''): Record<string, string> => ({
  type,
  status,
  reason,
  message,
});

function check(rows: Row[]): void {
  for (const [behaviour, obj, status, message] of rows) {
    it(`${behaviour} → ${status}`, () => {
      const result = computeStatus(obj);
      assert.equal(result.status, status, result.message);
      if (typeof message === 'string') assert.equal(result.message, message);
      else assert.match(result.message, message);
    });
  }
}

describe('computeStatus generic rules', () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap' };
  const ks = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' };
  check([
    ['an object without a kind', { apiVersion: 'v1' }, 'Unknown', 'object has no kind'],
    [
      'a deletionTimestamp string',
      { ...cm, metadata: { deletionTimestamp: '2024-01-01T00:00:00Z' } },
      'Terminating',
      'ConfigMap is scheduled for deletion',
    ],
    [
      'a deletionTimestamp Date (client-node objects)',
      { ...cm, metadata: { deletionTimestamp: new Date(0) } },
      'Terminating',
      /scheduled for deletion/,
    ],
    [
      'deletion winning over a Ready condition',
      { ...ks, metadata: { deletionTimestamp: 'x' }, status: { conditions: [cond('Ready', 'True')] } },
      'Terminating',
      /deletion/,
    ],
    [
      'a generation the controller has not observed',
      { ...ks, metadata: { generation: 3 }, status: { observedGeneration: 2, conditions: [cond('Ready', 'True')] } },
      'InProgress',
      'Kustomization generation is 3, but latest observed generation is 2',
    ],
    [
      'an observed generation ahead of the generation (kstatus compares for equality)',
      { ...ks, metadata: { generation: 1 }, status: { observedGeneration: 2 } },
      'InProgress',
      /generation is 1/,
    ],
    [
      'a generation without status.observedGeneration',
      { ...cm, metadata: { generation: 3 }, status: {} },
      'Current',
      'ConfigMap is current',
    ],
    [
      'Reconciling=True',
      { ...ks, status: { conditions: [cond('Reconciling', 'True', 'Progressing', 'Building manifests')] } },
      'InProgress',
      'Building manifests',
    ],
    [
      'Stalled=True',
      { ...ks, status: { conditions: [cond('Stalled', 'True', 'InvalidPath', 'path not found')] } },
      'Failed',
      'path not found',
    ],
    [
      'Stalled listed before Reconciling (first match wins)',
      {
        ...ks,
        status: { conditions: [cond('Stalled', 'True', 'X', 'stuck'), cond('Reconciling', 'True', 'Y', 'busy')] },
      },
      'Failed',
      'stuck',
    ],
    [
      'Reconciling=False',
      {
        ...ks,
        status: {
          conditions: [cond('Reconciling', 'False'), cond('Ready', 'True', 'Ok', 'Applied revision: main@sha1:abc')],
        },
      },
      'Current',
      'Applied revision: main@sha1:abc',
    ],
    [
      'Reconciling=True with no message',
      { ...ks, status: { conditions: [cond('Reconciling', 'True')] } },
      'InProgress',
      'Kustomization is reconciling',
    ],
  ]);
});

describe('computeStatus fallback for kinds without a rule', () => {
  const hr = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' };
  check([
    [
      'a ConfigMap',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generation: 1 } },
      'Current',
      'ConfigMap is current',
    ],
    [
      'a custom resource without conditions',
      { apiVersion: 'example.com/v1', kind: 'Widget', status: {} },
      'Current',
      'Widget is current',
    ],
    [
      'a kind named like an Object.prototype member',
      { apiVersion: 'v1', kind: 'constructor' },
      'Current',
      'constructor is current',
    ],
    [
      'Ready=True',
      { ...hr, status: { conditions: [cond('Ready', 'True', 'InstallSucceeded', 'Helm install succeeded')] } },
      'Current',
      'Helm install succeeded',
    ],
    [
      'Ready=False (Flux objects retry without Stalled)',
      { ...hr, status: { conditions: [cond('Ready', 'False', 'InstallFailed', 'timed out')] } },
      'InProgress',
      'HelmRelease is not Ready: InstallFailed: timed out',
    ],
    [
      'Ready=Unknown',
      { ...hr, status: { conditions: [cond('Ready', 'Unknown', 'Progressing')] } },
      'InProgress',
      'HelmRelease is not Ready: Progressing',
    ],
    [
      'malformed conditions ignored',
      { ...hr, status: { conditions: [null, 'x', { status: 'True' }] } },
      'Current',
      'HelmRelease is current',
    ],
    [
      'conditions that are not a list',
      { ...hr, status: { conditions: { type: 'Ready' } } },
      'Current',
      'HelmRelease is current',
    ],
  ]);
});

describe('computeStatus for Deployment', () => {
  const deploy = (
    replicas: number | undefined,
    status: Record<string, unknown>,
    spec: Record<string, unknown> = {}
  ): StatusSubject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { generation: 2 },
    spec: { ...(replicas === undefined ? {} : { replicas }), ...spec },
    status: { observedGeneration: 2, ...status },
  });
  const available = [cond('Available', 'True'), cond('Progressing', 'True', 'NewReplicaSetAvailable')];
  const full = { replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, conditions: available };
  check([
    [
      'all replicas updated, ready and available',
      deploy(3, full),
      'Current',
      'Deployment is available with 3/3 replicas',
    ],
    [
      'spec.replicas defaulting to 1',
      deploy(undefined, { ...full, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 }),
      'Current',
      /1\/1/,
    ],
    ['no status yet', deploy(3, {}), 'InProgress', 'Deployment has 0/3 replicas'],
    [
      'too few updated replicas',
      deploy(3, { ...full, updatedReplicas: 1 }),
      'InProgress',
      'Deployment has 1/3 updated replicas',
    ],
    [
      'old replicas still terminating',
      deploy(3, { ...full, replicas: 5 }),
      'InProgress',
      'Deployment has 2 old replicas pending termination',
    ],
    [
      'too few available replicas',
      deploy(3, { ...full, readyReplicas: 1, availableReplicas: 1 }),
      'InProgress',
      'Deployment has 1/3 available replicas',
    ],
    [
      'too few ready replicas',
      deploy(3, { ...full, readyReplicas: 2 }),
      'InProgress',
      'Deployment has 2/3 ready replicas',
    ],
    [
      'a progress deadline set but the new ReplicaSet not yet available',
      deploy(
        3,
        { ...full, conditions: [cond('Available', 'True'), cond('Progressing', 'True', 'ReplicaSetUpdated')] },
        { progressDeadlineSeconds: 600 }
      ),
      'InProgress',
      /new ReplicaSet is not available/,
    ],
    [
      'no progress deadline (controller sets no Progressing condition)',
      deploy(3, { ...full, conditions: [cond('Available', 'True')] }),
      'Current',
      /available/,
    ],
    [
      'a progress deadline of MaxInt32 (same as none)',
      deploy(3, { ...full, conditions: [cond('Available', 'True')] }, { progressDeadlineSeconds: 2147483647 }),
      'Current',
      /available/,
    ],
    [
      'Available=False',
      deploy(3, {
        ...full,
        conditions: [cond('Available', 'False'), cond('Progressing', 'True', 'NewReplicaSetAvailable')],
      }),
      'InProgress',
      'Deployment does not have minimum availability',
    ],
    [
      'ProgressDeadlineExceeded',
      deploy(3, {
        ...full,
        availableReplicas: 0,
        conditions: [
          cond('Progressing', 'False', 'ProgressDeadlineExceeded', 'ReplicaSet "web-1" has timed out progressing.'),
        ],
      }),
      'Failed',
      'Deployment exceeded its progress deadline: ProgressDeadlineExceeded: ReplicaSet "web-1" has timed out progressing.',
    ],
    ['zero replicas', deploy(0, { conditions: available }), 'Current', /0\/0/],
    [
      'extensions/v1beta1 Deployment',
      { ...deploy(3, {}), apiVersion: 'extensions/v1beta1' },
      'InProgress',
      'Deployment has 0/3 replicas',
    ],
    [
      'a Deployment kind in another group (no rule)',
      { ...deploy(3, {}), apiVersion: 'example.com/v1' },
      'Current',
      'Deployment is current',
    ],
  ]);
});

describe('computeStatus for StatefulSet', () => {
  const sts = (spec: Record<string, unknown>, status: Record<string, unknown>): StatusSubject => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    spec,
    status,
  });
  const done = {
    replicas: 3,
    readyReplicas: 3,
    currentReplicas: 3,
    updatedReplicas: 3,
    currentRevision: 'r2',
    updateRevision: 'r2',
  };
  check([
    [
      'every replica ready on the current revision',
      sts({ replicas: 3 }, done),
      'Current',
      'StatefulSet has all 3 replicas ready',
    ],
    [
      'the OnDelete update strategy',
      sts({ replicas: 3, updateStrategy: { type: 'OnDelete' } }, {}),
      'Current',
      /OnDelete/,
    ],
    ['too few replicas', sts({ replicas: 3 }, { ...done, replicas: 2 }), 'InProgress', 'StatefulSet has 2/3 replicas'],
    [
      'too few ready replicas',
      sts({ replicas: 3 }, { ...done, readyReplicas: 1 }),
      'InProgress',
      'StatefulSet has 1/3 ready replicas',
    ],
    [
      'extra replicas',
      sts({ replicas: 3 }, { ...done, replicas: 4 }),
      'InProgress',
      'StatefulSet has 1 extra replicas pending termination',
    ],
    [
      'a partitioned rollout in progress',
      sts({ replicas: 3, updateStrategy: { rollingUpdate: { partition: 1 } } }, { ...done, updatedReplicas: 1 }),
      'InProgress',
      'StatefulSet partitioned rollout has updated 1/2 replicas',
    ],
    [
      'a partitioned rollout done',
      sts(
        { replicas: 3, updateStrategy: { rollingUpdate: { partition: 1 } } },
        { ...done, updatedReplicas: 2, updateRevision: 'r3' }
      ),
      'Current',
      /partitioned rollout is complete/,
    ],
    [
      'too few current replicas',
      sts({ replicas: 3 }, { ...done, currentReplicas: 2 }),
      'InProgress',
      'StatefulSet has 2/3 current replicas',
    ],
    [
      'a revision mismatch',
      sts({ replicas: 3 }, { ...done, updateRevision: 'r3' }),
      'InProgress',
      'StatefulSet is rolling out revision r3',
    ],
  ]);
});

describe('computeStatus for DaemonSet', () => {
  const ds = (status: Record<string, unknown>): StatusSubject => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', status });
  const done = {
    desiredNumberScheduled: 4,
    currentNumberScheduled: 4,
    updatedNumberScheduled: 4,
    numberAvailable: 4,
    numberReady: 4,
  };
  check([
    ['every pod scheduled, updated, available and ready', ds(done), 'Current', 'DaemonSet has all 4 pods ready'],
    ['no desiredNumberScheduled yet', ds({}), 'InProgress', 'DaemonSet status has not been observed yet'],
    ['too few scheduled', ds({ ...done, currentNumberScheduled: 3 }), 'InProgress', 'DaemonSet has 3/4 scheduled pods'],
    ['too few updated', ds({ ...done, updatedNumberScheduled: 2 }), 'InProgress', 'DaemonSet has 2/4 updated pods'],
    ['too few available', ds({ ...done, numberAvailable: 1 }), 'InProgress', 'DaemonSet has 1/4 available pods'],
    ['too few ready', ds({ ...done, numberReady: 0 }), 'InProgress', 'DaemonSet has 0/4 ready pods'],
    [
      'zero desired (no matching nodes)',
      ds({ desiredNumberScheduled: 0 }),
      'Current',
      'DaemonSet has all 0 pods ready',
    ],
  ]);
});

describe('computeStatus for ReplicaSet', () => {
  const rs = (status: Record<string, unknown>): StatusSubject => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    spec: { replicas: 2 },
    status,
  });
  const done = { replicas: 2, fullyLabeledReplicas: 2, availableReplicas: 2, readyReplicas: 2 };
  check([
    ['every replica available', rs(done), 'Current', 'ReplicaSet has all 2 replicas available'],
    [
      'ReplicaFailure=True',
      rs({ ...done, conditions: [cond('ReplicaFailure', 'True', 'FailedCreate', 'quota exceeded')] }),
      'InProgress',
      'ReplicaSet cannot create pods: FailedCreate: quota exceeded',
    ],
    [
      'too few labeled',
      rs({ ...done, fullyLabeledReplicas: 1 }),
      'InProgress',
      'ReplicaSet has 1/2 fully labeled replicas',
    ],
    ['too few available', rs({ ...done, availableReplicas: 0 }), 'InProgress', 'ReplicaSet has 0/2 available replicas'],
    ['too few ready', rs({ ...done, readyReplicas: 1 }), 'InProgress', 'ReplicaSet has 1/2 ready replicas'],
    [
      'extra replicas',
      rs({ ...done, replicas: 3 }),
      'InProgress',
      'ReplicaSet has 1 extra replicas pending termination',
    ],
  ]);
});

describe('computeStatus for Pod', () => {
  const pod = (status: Record<string, unknown>): StatusSubject => ({ apiVersion: 'v1', kind: 'Pod', status });
  const crash = { name: 'app', state: { waiting: { reason: 'CrashLoopBackOff' } } };
  check([
    ['phase Succeeded', pod({ phase: 'Succeeded' }), 'Current', 'Pod has completed successfully'],
    [
      'phase Failed',
      pod({ phase: 'Failed', reason: 'Evicted', message: 'low on memory' }),
      'Failed',
      'Pod has failed: Evicted: low on memory',
    ],
    ['Running and Ready', pod({ phase: 'Running', conditions: [cond('Ready', 'True')] }), 'Current', 'Pod is Ready'],
    [
      'Running but not Ready',
      pod({ phase: 'Running', conditions: [cond('Ready', 'False')] }),
      'InProgress',
      'Pod is running but not Ready',
    ],
    [
      'Running with a container in CrashLoopBackOff',
      pod({ phase: 'Running', containerStatuses: [crash, { name: 'sidecar', state: { running: {} } }] }),
      'Failed',
      'Pod containers are in CrashLoopBackOff: app',
    ],
    [
      'Running with an init container in CrashLoopBackOff',
      pod({ phase: 'Running', initContainerStatuses: [{ ...crash, name: 'init' }] }),
      'Failed',
      /: init$/,
    ],
    ['Pending', pod({ phase: 'Pending' }), 'InProgress', 'Pod is Pending'],
    [
      'Pending and Unschedulable',
      pod({
        phase: 'Pending',
        conditions: [cond('PodScheduled', 'False', 'Unschedulable', '0/3 nodes are available')],
      }),
      'Failed',
      'Pod cannot be scheduled: 0/3 nodes are available',
    ],
    ['no phase yet', pod({}), 'InProgress', 'Pod phase has not been observed yet'],
    ['phase Unknown', pod({ phase: 'Unknown' }), 'Unknown', 'Pod is in phase Unknown'],
  ]);
});

describe('computeStatus for Job (Flux waits for completion)', () => {
  const job = (status: Record<string, unknown>, spec: Record<string, unknown> = {}): StatusSubject => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    spec,
    status,
  });
  check([
    [
      'Complete=True',
      job({ succeeded: 3, conditions: [cond('Complete', 'True')] }, { completions: 3 }),
      'Current',
      'Job has completed: 3/3 succeeded',
    ],
    [
      'Failed=True',
      job({
        failed: 6,
        conditions: [cond('Failed', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit')],
      }),
      'Failed',
      'Job has failed with 6 failed pods: BackoffLimitExceeded: Job has reached the specified backoff limit',
    ],
    [
      'running',
      job({ active: 1, startTime: '2024-01-01T00:00:00Z' }, { parallelism: 2 }),
      'InProgress',
      'Job is in progress: 1 active, 0/2 succeeded, 0 failed',
    ],
    ['not started', job({}), 'InProgress', 'Job is in progress: 0 active, 0/1 succeeded, 0 failed'],
    ['Complete=False', job({ conditions: [cond('Complete', 'False')] }), 'InProgress', /in progress/],
  ]);
});

describe('computeStatus for other built-in kinds', () => {
  const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): StatusSubject => ({
    apiVersion: 'v1',
    kind: 'Service',
    spec,
    status,
  });
  const crd = (...conditions: Record<string, string>[]): StatusSubject => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    status: { conditions },
  });
  check([
    [
      'a PVC Bound',
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', status: { phase: 'Bound' } },
      'Current',
      'PersistentVolumeClaim is Bound',
    ],
    [
      'a PVC Pending',
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', status: { phase: 'Pending' } },
      'InProgress',
      'PersistentVolumeClaim is not Bound (phase: Pending)',
    ],
    ['a PVC without status', { apiVersion: 'v1', kind: 'PersistentVolumeClaim' }, 'InProgress', /phase: unknown/],
    ['a ClusterIP Service', svc({ type: 'ClusterIP' }), 'Current', 'Service is ready'],
    ['a Service without a type', svc({}), 'Current', 'Service is ready'],
    [
      'a LoadBalancer Service with an ingress',
      svc({ type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } }),
      'Current',
      'Service load balancer is ready',
    ],
    [
      'a LoadBalancer Service without an ingress',
      svc({ type: 'LoadBalancer', clusterIP: '10.96.0.10' }, { loadBalancer: {} }),
      'InProgress',
      'Service is waiting for a load balancer address',
    ],
    [
      'a LoadBalancer Service with an empty ingress list',
      svc({ type: 'LoadBalancer' }, { loadBalancer: { ingress: [] } }),
      'InProgress',
      /load balancer address/,
    ],
    [
      'a CRD Established',
      crd(cond('NamesAccepted', 'True'), cond('Established', 'True')),
      'Current',
      'CRD is established',
    ],
    ['a CRD still Installing', crd(cond('Established', 'False', 'Installing')), 'InProgress', 'CRD is being installed'],
    ['a CRD without conditions', crd(), 'InProgress', 'CRD is being installed'],
    [
      'a CRD with NamesAccepted=False',
      crd(cond('NamesAccepted', 'False', 'MultipleNamesNotAllowed', '"foo" is already in use')),
      'Failed',
      'CRD names were not accepted: MultipleNamesNotAllowed: "foo" is already in use',
    ],
    [
      'a CRD not Established for another reason',
      crd(cond('Established', 'False', 'NotAccepted', 'bad')),
      'Failed',
      'CRD is not established: NotAccepted: bad',
    ],
    [
      'an Active Namespace',
      { apiVersion: 'v1', kind: 'Namespace', status: { phase: 'Active' } },
      'Current',
      'Namespace is active',
    ],
    ['a Namespace without status', { apiVersion: 'v1', kind: 'Namespace' }, 'Current', 'Namespace is active'],
    [
      'a Terminating Namespace',
      { apiVersion: 'v1', kind: 'Namespace', status: { phase: 'Terminating' } },
      'Terminating',
      'Namespace is terminating',
    ],
    [
      'a PodDisruptionBudget',
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { generation: 1 },
        status: { observedGeneration: 1 },
      },
      'Current',
      /allowed disruptions/,
    ],
    [
      'a PodDisruptionBudget not yet observed',
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { generation: 2 },
        status: { observedGeneration: 1 },
      },
      'InProgress',
      /generation is 2/,
    ],
    ['a Secret', { apiVersion: 'v1', kind: 'Secret' }, 'Current', 'Secret is current'],
  ]);
});
