import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { GitRepositoryKind } from '../api/gitrepository.js';
import { HelmChartKind } from '../api/helmchart.js';
import { HelmReleaseKind } from '../api/helmrelease.js';
import { HelmRepositoryKind } from '../api/helmrepository.js';
import { KustomizationKind } from '../api/kustomization.js';

interface Row {
  kind: string;
  name: string;
  ready: string;
  revision: string;
  message: string;
}

interface Listed {
  metadata: { namespace: string; name: string };
  status?: {
    conditions?: { type: string; status: string; message: string }[];
    lastAppliedRevision?: string;
    lastAttemptedRevision?: string;
    artifact?: { revision: string };
  };
}

/** Reads every object of the served kinds in `namespace` as table rows. */
export async function statusRows(kc: KubeConfig, namespace: string): Promise<Row[]> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const rows: Row[] = [];
  for (const kind of [GitRepositoryKind, HelmRepositoryKind, HelmChartKind, KustomizationKind, HelmReleaseKind]) {
    const list = (await custom.listNamespacedCustomObject({
      group: kind.group,
      version: kind.version,
      plural: kind.plural,
      namespace,
    })) as { items: Listed[] };
    for (const o of list.items) {
      const ready = o.status?.conditions?.find((c) => c.type === 'Ready');
      rows.push({
        kind: kind.kind,
        name: `${o.metadata.namespace}/${o.metadata.name}`,
        ready: ready?.status ?? 'Unknown',
        revision:
          o.status?.lastAppliedRevision ?? o.status?.artifact?.revision ?? o.status?.lastAttemptedRevision ?? '',
        message: ready?.message ?? '',
      });
    }
  }
  return rows;
}

/** Formats rows as an aligned text table. */
export function formatTable(rows: Row[]): string {
  const header: Row = { kind: 'KIND', name: 'NAME', ready: 'READY', revision: 'REVISION', message: 'MESSAGE' };
  const all = [header, ...rows];
  const keys = ['kind', 'name', 'ready', 'revision'] as const;
  const width = Object.fromEntries(keys.map((k) => [k, Math.max(...all.map((r) => r[k].length))]));
  return all.map((r) => [...keys.map((k) => r[k].padEnd(width[k] ?? 0)), r.message].join('  ')).join('\n');
}
