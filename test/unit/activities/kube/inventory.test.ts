import fc from 'fast-check';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Inventory, InventoryEntry } from '../../../../api/meta.js';
import {
  applyOrder,
  formatObjectId,
  inventoryDigest,
  inventoryOf,
  objectId,
  parseObjectId,
  splitApiVersion,
  staleEntries,
  type ObjectHeader,
  type ObjectRef,
} from '../../../../activities/kube/inventory.js';

const obj = (apiVersion: string, kind: string, name: string, namespace?: string): ObjectHeader => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace === undefined ? {} : { namespace }) },
});
const inv = (...ids: string[]): Inventory => ({ entries: ids.map((id) => ({ id, v: 'v1' })) });

describe('objectId', () => {
  const table: [string, ObjectHeader, string][] = [
    [
      'a namespaced object in a named group',
      obj('apps/v1', 'Deployment', 'podinfo', 'default'),
      'default_podinfo_apps_Deployment',
    ],
    ['a core-group object (empty group)', obj('v1', 'ConfigMap', 'cfg', 'apps'), 'apps_cfg__ConfigMap'],
    ['a cluster-scoped core object', obj('v1', 'Namespace', 'flux-system'), '_flux-system__Namespace'],
    [
      'a cluster-scoped CRD',
      obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'kustomizations.kustomize.toolkit.fluxcd.io'),
      '_kustomizations.kustomize.toolkit.fluxcd.io_apiextensions.k8s.io_CustomResourceDefinition',
    ],
    [
      'an RBAC name with colons (transcoded to __)',
      obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'system:auth-delegator'),
      '_system__auth-delegator_rbac.authorization.k8s.io_ClusterRole',
    ],
    [
      'a non-RBAC name with a colon (left alone, as cli-utils does)',
      obj('example.com/v1', 'Thing', 'a:b', 'ns'),
      'ns_a:b_example.com_Thing',
    ],
    ['an object with an empty namespace string', obj('v1', 'Secret', 's', ''), '_s__Secret'],
  ];
  for (const [behaviour, input, id] of table) {
    it(`formats ${behaviour} as ${id}`, () => assert.equal(objectId(input), id));
  }

  it('refuses an object without a name', () => {
    assert.throws(() => objectId({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }), RangeError);
  });

  it('refuses an object without a kind', () => {
    assert.throws(() => objectId({ apiVersion: 'v1', metadata: { name: 'x' } }), RangeError);
  });
});

describe('parseObjectId', () => {
  const table: [string, ObjectRef][] = [
    ['default_podinfo_apps_Deployment', { namespace: 'default', name: 'podinfo', group: 'apps', kind: 'Deployment' }],
    ['apps_cfg__ConfigMap', { namespace: 'apps', name: 'cfg', group: '', kind: 'ConfigMap' }],
    ['_flux-system__Namespace', { namespace: '', name: 'flux-system', group: '', kind: 'Namespace' }],
    [
      '_system__auth-delegator_rbac.authorization.k8s.io_ClusterRole',
      { namespace: '', name: 'system:auth-delegator', group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
    ],
    [
      'ns___leading_rbac.authorization.k8s.io_Role',
      { namespace: 'ns', name: ':leading', group: 'rbac.authorization.k8s.io', kind: 'Role' },
    ],
  ];
  for (const [id, ref] of table) {
    it(`reads ${id}`, () => assert.deepEqual(parseObjectId(id), ref));
  }

  const malformed: [string, string][] = [
    ['no separator at all', 'podinfo'],
    ['only two fields', 'default_podinfo'],
    ['only three fields', 'default_podinfo_Deployment'],
    ['an empty name', 'default__apps_Deployment'],
    ['an empty kind', 'default_podinfo_apps_'],
    ['five fields', 'default_pod_info_apps_Deployment'],
  ];
  for (const [behaviour, id] of malformed) {
    it(`rejects an id with ${behaviour}`, () => assert.throws(() => parseObjectId(id), RangeError));
  }
});

describe('splitApiVersion', () => {
  const table: [string, { group: string; version: string }][] = [
    ['v1', { group: '', version: 'v1' }],
    ['apps/v1', { group: 'apps', version: 'v1' }],
    ['kustomize.toolkit.fluxcd.io/v1', { group: 'kustomize.toolkit.fluxcd.io', version: 'v1' }],
    ['', { group: '', version: '' }],
  ];
  for (const [apiVersion, parts] of table) {
    it(`splits ${JSON.stringify(apiVersion)}`, () => assert.deepEqual(splitApiVersion(apiVersion), parts));
  }
});

describe('inventoryOf', () => {
  it('records the version without the group, sorted by id', () => {
    const objects = [
      obj('apps/v1', 'Deployment', 'web', 'prod'),
      obj('v1', 'Namespace', 'prod'),
      obj('v1', 'Service', 'web', 'prod'),
    ];
    assert.deepEqual(inventoryOf(objects), {
      entries: [
        { id: '_prod__Namespace', v: 'v1' },
        { id: 'prod_web__Service', v: 'v1' },
        { id: 'prod_web_apps_Deployment', v: 'v1' },
      ],
    });
  });

  it('keeps one entry per id, the later object winning', () => {
    const objects = [
      obj('autoscaling/v1', 'HorizontalPodAutoscaler', 'h', 'ns'),
      obj('autoscaling/v2', 'HorizontalPodAutoscaler', 'h', 'ns'),
    ];
    assert.deepEqual(inventoryOf(objects).entries, [{ id: 'ns_h_autoscaling_HorizontalPodAutoscaler', v: 'v2' }]);
  });

  it('returns an empty inventory for no objects', () => assert.deepEqual(inventoryOf([]), { entries: [] }));
});

describe('staleEntries', () => {
  it('returns entries of the old inventory whose id left the new one', () => {
    const stale = staleEntries(inv('ns_a__ConfigMap', 'ns_b__ConfigMap'), inv('ns_a__ConfigMap'));
    assert.deepEqual(stale, [{ id: 'ns_b__ConfigMap', v: 'v1' }]);
  });

  it('does not treat a version change as stale', () => {
    const old: Inventory = { entries: [{ id: 'ns_h_autoscaling_HorizontalPodAutoscaler', v: 'v1' }] };
    const next: Inventory = { entries: [{ id: 'ns_h_autoscaling_HorizontalPodAutoscaler', v: 'v2' }] };
    assert.deepEqual(staleEntries(old, next), []);
  });

  it('orders deletions: objects, *Class kinds, ClusterRoles, Namespaces, CRDs last', () => {
    const old = inv(
      '_crontabs.stable.example.com_apiextensions.k8s.io_CustomResourceDefinition',
      '_team-a__Namespace',
      '_fast_storage.k8s.io_StorageClass',
      '_viewer_rbac.authorization.k8s.io_ClusterRole',
      'team-a_web_apps_Deployment',
      '_team-a-binding_rbac.authorization.k8s.io_ClusterRoleBinding',
      'team-a_cfg__ConfigMap'
    );
    assert.deepEqual(
      staleEntries(old, inv()).map((e) => e.id),
      [
        '_team-a-binding_rbac.authorization.k8s.io_ClusterRoleBinding',
        'team-a_cfg__ConfigMap',
        'team-a_web_apps_Deployment',
        '_fast_storage.k8s.io_StorageClass',
        '_viewer_rbac.authorization.k8s.io_ClusterRole',
        '_team-a__Namespace',
        '_crontabs.stable.example.com_apiextensions.k8s.io_CustomResourceDefinition',
      ]
    );
  });

  it('returns nothing when nothing left', () =>
    assert.deepEqual(staleEntries(inv('ns_a__ConfigMap'), inv('ns_a__ConfigMap')), []));
});

describe('inventoryDigest', () => {
  const entries: InventoryEntry[] = [
    { id: 'ns_a__ConfigMap', v: 'v1' },
    { id: 'ns_b_apps_Deployment', v: 'v1' },
  ];

  it('is a sha256 hex string', () => assert.match(inventoryDigest({ entries }), /^[0-9a-f]{64}$/));

  it('does not depend on entry order', () => {
    assert.equal(inventoryDigest({ entries }), inventoryDigest({ entries: [...entries].reverse() }));
  });

  it('changes when a version changes', () => {
    const bumped = [entries[0], { id: 'ns_b_apps_Deployment', v: 'v2' }] as InventoryEntry[];
    assert.notEqual(inventoryDigest({ entries }), inventoryDigest({ entries: bumped }));
  });

  it('changes when an entry is removed', () => {
    assert.notEqual(inventoryDigest({ entries }), inventoryDigest({ entries: entries.slice(1) }));
  });

  it('cannot be forged by moving text between id and version', () => {
    const a = inventoryDigest({ entries: [{ id: 'x_y__A', v: 'v1' }] });
    const b = inventoryDigest({ entries: [{ id: 'x_y__Av', v: '1' }] });
    assert.notEqual(a, b);
  });
});

describe('applyOrder', () => {
  it('puts cluster definitions first, *Class kinds second, the rest last, keeping input order per stage', () => {
    const objects = [
      obj('apps/v1', 'Deployment', 'web', 'team-a'),
      obj('storage.k8s.io/v1', 'StorageClass', 'fast'),
      obj('v1', 'Namespace', 'team-a'),
      obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'viewer'),
      obj('networking.k8s.io/v1', 'IngressClass', 'nginx'),
      obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'crontabs.stable.example.com'),
      obj('scheduling.k8s.io/v1', 'PriorityClass', 'high'),
      obj('node.k8s.io/v1', 'RuntimeClass', 'gvisor'),
      obj('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'viewer'),
      obj('stable.example.com/v1', 'CronTab', 'tab', 'team-a'),
    ];
    const names = applyOrder(objects).map((stage) => stage.map((o) => `${o.kind}/${o.metadata?.name}`));
    assert.deepEqual(names, [
      ['Namespace/team-a', 'ClusterRole/viewer', 'CustomResourceDefinition/crontabs.stable.example.com'],
      ['StorageClass/fast', 'IngressClass/nginx', 'PriorityClass/high', 'RuntimeClass/gvisor'],
      ['Deployment/web', 'ClusterRoleBinding/viewer', 'CronTab/tab'],
    ]);
  });

  it('always returns three stages', () => assert.deepEqual(applyOrder([]), [[], [], []]));

  it('returns the same object references', () => {
    const ns = obj('v1', 'Namespace', 'x');
    assert.equal(applyOrder([ns])[0][0], ns);
  });
});

describe('inventory properties', () => {
  const dnsLabel = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
  const dnsSubdomain = fc.array(dnsLabel, { minLength: 1, maxLength: 3 }).map((labels) => labels.join('.'));
  const kind = fc.stringMatching(/^[A-Z][a-zA-Z0-9]{0,15}$/);
  const ref = fc.oneof(
    fc.record({
      namespace: fc.oneof(fc.constant(''), dnsLabel),
      name: dnsSubdomain,
      group: fc.oneof(fc.constant(''), dnsSubdomain),
      kind,
      version: fc.constantFrom('v1', 'v1beta1', 'v2'),
    }),
    // RBAC names may hold colons, which the id transcodes.
    fc.record({
      namespace: fc.oneof(fc.constant(''), dnsLabel),
      name: fc.array(dnsSubdomain, { minLength: 1, maxLength: 3 }).map((parts) => parts.join(':')),
      group: fc.constant('rbac.authorization.k8s.io'),
      kind: fc.constantFrom('Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'),
      version: fc.constant('v1'),
    })
  );
  const toObject = (r: {
    namespace: string;
    name: string;
    group: string;
    kind: string;
    version: string;
  }): ObjectHeader => obj(r.group ? `${r.group}/${r.version}` : r.version, r.kind, r.name, r.namespace || undefined);

  it('parseObjectId(objectId(x)) returns x', () => {
    fc.assert(
      fc.property(ref, (r) => {
        const id = objectId(toObject(r));
        assert.deepEqual(parseObjectId(id), { namespace: r.namespace, name: r.name, group: r.group, kind: r.kind });
        assert.equal(formatObjectId(parseObjectId(id)), id);
      })
    );
  });

  it('staleEntries(a, a) is empty', () => {
    fc.assert(
      fc.property(fc.array(ref, { maxLength: 20 }), (refs) => {
        const a = inventoryOf(refs.map(toObject));
        assert.deepEqual(staleEntries(a, a), []);
      })
    );
  });

  it('staleEntries(a, b) is exactly the ids of a missing from b', () => {
    fc.assert(
      fc.property(fc.array(ref, { maxLength: 15 }), fc.array(ref, { maxLength: 15 }), (xs, ys) => {
        const a = inventoryOf(xs.map(toObject));
        const b = inventoryOf(ys.map(toObject));
        const inB = new Set(b.entries.map((e) => e.id));
        const expected = a.entries.filter((e) => !inB.has(e.id)).map((e) => e.id);
        assert.deepEqual(
          staleEntries(a, b)
            .map((e) => e.id)
            .sort(),
          expected.sort()
        );
      })
    );
  });

  it('inventoryOf lists each id once, sorted, with an order-independent digest', () => {
    fc.assert(
      fc.property(fc.array(ref, { maxLength: 15 }), (refs) => {
        const objects = refs.map(toObject);
        const ids = inventoryOf(objects).entries.map((e) => e.id);
        assert.deepEqual(ids, [...new Set(objects.map(objectId))].sort());
        const inventory = inventoryOf(objects);
        assert.equal(inventoryDigest(inventory), inventoryDigest({ entries: [...inventory.entries].reverse() }));
      })
    );
  });
});
