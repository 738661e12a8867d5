import fc from 'fast-check';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeStatus, type KstatusStatus, type StatusSubject } from '../../../../activities/kube/kstatus.js';

const RUNS = { numRuns: 300 };
/** Every status computeStatus may return; NotFound is the caller's (a 404), never computed. */
const COMPUTED: readonly KstatusStatus[] = ['InProgress', 'Failed', 'Current', 'Terminating', 'Unknown'];

const conditionType = fc.constantFrom(
  'Ready',
  'Reconciling',
  'Stalled',
  'Available',
  'Progressing',
  'ReplicaFailure',
  'Complete',
  'Failed',
  'Established',
  'NamesAccepted',
  'PodScheduled'
);
const conditionStatus = fc.constantFrom('True', 'False', 'Unknown', '');
const reason = fc.constantFrom('', 'ProgressDeadlineExceeded', 'NewReplicaSetAvailable', 'Installing', 'BuildFailed');
const condition = fc.record({
  type: conditionType,
  status: conditionStatus,
  reason,
  message: fc.string({ maxLength: 12 }),
});
/** Conditions without the generic ones, so the rule of the kind is what decides. */
const kindCondition = condition.filter((c) => c.type !== 'Reconciling' && c.type !== 'Stalled');
const count = fc.nat({ max: 6 });

const builtinKinds: [apiVersion: string, kind: string][] = [
  ['v1', 'Pod'],
  ['v1', 'Service'],
  ['v1', 'PersistentVolumeClaim'],
  ['v1', 'Namespace'],
  ['v1', 'ConfigMap'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'StatefulSet'],
  ['apps/v1', 'DaemonSet'],
  ['apps/v1', 'ReplicaSet'],
  ['batch/v1', 'Job'],
  ['policy/v1', 'PodDisruptionBudget'],
  ['apiextensions.k8s.io/v1', 'CustomResourceDefinition'],
  ['kustomize.toolkit.fluxcd.io/v1', 'Kustomization'],
];
const typeMeta = fc.constantFrom(...builtinKinds).map(([apiVersion, kind]) => ({ apiVersion, kind }));

/** Objects shaped like the real thing, with every status field the rules read, filled at random. */
const plausibleObject = fc.record(
  {
    apiVersion: fc.constantFrom(...builtinKinds.map(([v]) => v)),
    kind: fc.constantFrom(...builtinKinds.map(([, k]) => k)),
    metadata: fc.record(
      { generation: count, deletionTimestamp: fc.constantFrom('', '2024-01-01T00:00:00Z') },
      { requiredKeys: [] }
    ),
    spec: fc.record(
      {
        replicas: count,
        type: fc.constantFrom('ClusterIP', 'LoadBalancer'),
        progressDeadlineSeconds: fc.constantFrom(600, 2_147_483_647),
        updateStrategy: fc.record({ type: fc.constantFrom('RollingUpdate', 'OnDelete') }),
      },
      { requiredKeys: [] }
    ),
    status: fc.record(
      {
        observedGeneration: count,
        replicas: count,
        updatedReplicas: count,
        readyReplicas: count,
        availableReplicas: count,
        phase: fc.constantFrom('', 'Pending', 'Running', 'Succeeded', 'Failed', 'Bound', 'Terminating', 'Weird'),
        conditions: fc.array(condition, { maxLength: 4 }),
      },
      { requiredKeys: [] }
    ),
  },
  { requiredKeys: [] }
);

/** Objects whose fields can be any JSON-ish value at all, including the wrong type. */
const arbitraryObject = fc.oneof(
  fc.record(
    {
      apiVersion: fc.anything(),
      kind: fc.anything(),
      metadata: fc.anything(),
      spec: fc.anything(),
      status: fc.anything(),
    },
    { requiredKeys: [] }
  ),
  fc.object()
) as fc.Arbitrary<StatusSubject>;

/** No deletion, generation observed: the generic rules cannot decide. */
const settled = { metadata: { generation: 3 } };
const observed = { observedGeneration: 3 };

describe('computeStatus properties', () => {
  it('never throws and returns a computed status with a non-empty message, for any object', () => {
    fc.assert(
      fc.property(fc.oneof(plausibleObject, arbitraryObject), (obj) => {
        const result = computeStatus(obj);
        assert.ok(COMPUTED.includes(result.status), result.status);
        assert.equal(typeof result.message, 'string');
        assert.notEqual(result.message, '');
      }),
      RUNS
    );
  });

  it('is pure: the object is not modified and the same object gives the same result', () => {
    fc.assert(
      // Two independently generated equal copies: structuredClone would lose null prototypes.
      fc.property(fc.clone(fc.oneof(plausibleObject, arbitraryObject), 2), ([obj, before]) => {
        const first = computeStatus(obj);
        assert.deepEqual(obj, before);
        assert.deepEqual(computeStatus(obj), first);
      }),
      RUNS
    );
  });

  it('an object with a deletionTimestamp is Terminating, whatever else it says', () => {
    const deletion = fc.oneof(fc.string({ minLength: 1 }), fc.date({ noInvalidDate: true }));
    fc.assert(
      fc.property(plausibleObject, typeMeta, deletion, (obj, meta, deletionTimestamp) => {
        const result = computeStatus({ ...obj, ...meta, metadata: { ...obj.metadata, deletionTimestamp } });
        assert.equal(result.status, 'Terminating', result.message);
      }),
      RUNS
    );
  });

  it('an object whose observedGeneration differs from its generation is InProgress, never Current', () => {
    const generations = fc
      .tuple(fc.nat({ max: 1000 }), fc.nat({ max: 1000 }))
      .filter(([generation, observedGeneration]) => generation !== observedGeneration);
    fc.assert(
      fc.property(plausibleObject, typeMeta, generations, (obj, meta, [generation, observedGeneration]) => {
        const result = computeStatus({
          ...obj,
          ...meta,
          metadata: { generation },
          status: { ...obj.status, observedGeneration },
        });
        assert.equal(result.status, 'InProgress', result.message);
        assert.match(result.message, new RegExp(`generation is ${generation}, .* ${observedGeneration}$`));
      }),
      RUNS
    );
  });

  it('the first Reconciling=True or Stalled=True condition decides: InProgress or Failed, for any kind', () => {
    fc.assert(
      fc.property(typeMeta, fc.array(condition, { minLength: 1, maxLength: 5 }), (meta, conditions) => {
        const first = conditions.find((c) => (c.type === 'Reconciling' || c.type === 'Stalled') && c.status === 'True');
        fc.pre(first !== undefined);
        const result = computeStatus({ ...meta, ...settled, status: { ...observed, conditions } });
        assert.equal(result.status, first?.type === 'Stalled' ? 'Failed' : 'InProgress', result.message);
      }),
      RUNS
    );
  });

  it('a Deployment short of spec.replicas in any counter is InProgress, or Failed past its deadline', () => {
    const counters = fc
      .record({
        want: fc.integer({ min: 1, max: 6 }),
        replicas: count,
        updatedReplicas: count,
        readyReplicas: count,
        availableReplicas: count,
      })
      .filter((c) => Math.min(c.replicas, c.updatedReplicas, c.readyReplicas, c.availableReplicas) < c.want);
    fc.assert(
      fc.property(counters, fc.array(kindCondition, { maxLength: 4 }), ({ want, ...status }, conditions) => {
        const result = computeStatus({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          ...settled,
          spec: { replicas: want },
          status: { ...observed, ...status, conditions },
        });
        const pastDeadline = conditions.some(
          (c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded'
        );
        assert.equal(result.status, pastDeadline ? 'Failed' : 'InProgress', result.message);
      }),
      RUNS
    );
  });

  it('a Deployment with every counter at spec.replicas, Available and a new ReplicaSet available is Current', () => {
    fc.assert(
      fc.property(count, fc.constantFrom(undefined, 60, 600), (want, progressDeadlineSeconds) => {
        const result = computeStatus({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          ...settled,
          spec: { replicas: want, progressDeadlineSeconds },
          status: {
            ...observed,
            replicas: want,
            updatedReplicas: want,
            readyReplicas: want,
            availableReplicas: want,
            conditions: [
              { type: 'Available', status: 'True' },
              { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
            ],
          },
        });
        assert.equal(result.status, 'Current', result.message);
      }),
      RUNS
    );
  });

  it('StatefulSets, DaemonSets and ReplicaSets short of their desired count are InProgress', () => {
    const short = fc.record({ want: fc.integer({ min: 1, max: 6 }), have: count }).filter((c) => c.have < c.want);
    const workload = short.chain(({ want, have }) =>
      fc.constantFrom<StatusSubject>(
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          spec: { replicas: want },
          status: { replicas: want, readyReplicas: have, currentReplicas: want, updatedReplicas: want },
        },
        {
          apiVersion: 'apps/v1',
          kind: 'DaemonSet',
          status: { desiredNumberScheduled: want, currentNumberScheduled: want, updatedNumberScheduled: have },
        },
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          spec: { replicas: want },
          status: { replicas: want, fullyLabeledReplicas: want, readyReplicas: want, availableReplicas: have },
        }
      )
    );
    fc.assert(
      fc.property(workload, (obj) => {
        const result = computeStatus({ ...obj, ...settled, status: { ...(obj.status as object), ...observed } });
        assert.equal(result.status, 'InProgress', result.message);
      }),
      RUNS
    );
  });

  it('a custom resource is Current exactly when its Ready condition is True (or it has none)', () => {
    const kind = fc.stringMatching(/^[A-Z][a-zA-Z]{0,12}$/);
    fc.assert(
      fc.property(kind, fc.array(kindCondition, { maxLength: 4 }), (k, conditions) => {
        const result = computeStatus({
          apiVersion: 'example.com/v1',
          kind: k,
          ...settled,
          status: { ...observed, conditions },
        });
        const ready = conditions.find((c) => c.type === 'Ready');
        const expected = ready === undefined || ready.status === 'True' ? 'Current' : 'InProgress';
        assert.equal(result.status, expected, result.message);
      }),
      RUNS
    );
  });
});

describe('computeStatus regressions found by the properties', () => {
  it('an object whose apiVersion is not a string gets a status instead of a TypeError', () => {
    // Counterexample: { apiVersion: {}, kind: ' ' } threw "(obj.apiVersion ?? "").indexOf is not a function".
    assert.deepEqual(computeStatus({ apiVersion: {}, kind: ' ' } as unknown as StatusSubject), {
      status: 'Current',
      message: '  is current',
    });
    assert.equal(computeStatus({ apiVersion: 1, kind: 'Deployment' } as unknown as StatusSubject).status, 'Current');
    assert.equal(computeStatus({ kind: 42 } as unknown as StatusSubject).status, 'Unknown');
  });
});
