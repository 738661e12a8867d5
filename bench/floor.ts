/**
 * The floor: the same objects server-side applied straight from one process, with bounded
 * concurrency — what the apiserver itself allows on this machine, with no Git, no build, no
 * workflow. Ballast's time divided by this says how much Ballast adds.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import pLimit from 'p-limit';
import { createKubeClients, serverSideApply } from '../activities/kube/client.js';
import { appObjects } from './workload.js';

/** Concurrent applies; 16 keeps 2 cores busy without the apiserver's max-in-flight throttling (default 400). */
export const FLOOR_CONCURRENCY = 16;

/** Applies the apps' objects to `namespace` (which must exist); returns the wall seconds. */
export async function measureFloor(kc: KubeConfig, namespace: string, names: string[]): Promise<number> {
  const { objects } = createKubeClients(kc);
  const limit = pLimit(FLOOR_CONCURRENCY);
  const all = names.flatMap((n) => appObjects(n, namespace));
  const started = performance.now();
  await Promise.all(
    all.map((obj) => limit(() => serverSideApply(objects, obj, { fieldManager: 'ballast-bench-floor' })))
  );
  return (performance.now() - started) / 1000;
}
