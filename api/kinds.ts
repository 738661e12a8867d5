/**
 * Every kind Ballast serves, by name: the controller watches them, the status writer and the
 * CRD generator look them up here.
 */
import { GitRepositoryKind } from './gitrepository.js';
import { HelmChartKind } from './helmchart.js';
import { HelmReleaseKind } from './helmrelease.js';
import { HelmRepositoryKind } from './helmrepository.js';
import { KustomizationKind } from './kustomization.js';
import type { KindDescriptor } from './meta.js';

export const KINDS: Record<string, KindDescriptor> = {
  GitRepository: GitRepositoryKind,
  HelmRepository: HelmRepositoryKind,
  HelmChart: HelmChartKind,
  Kustomization: KustomizationKind,
  HelmRelease: HelmReleaseKind,
};

/** The descriptor of a served kind; throws for an unknown one (a programming error). */
export function kindDescriptor(kind: string): KindDescriptor {
  const d = KINDS[kind];
  if (!d) throw new Error(`kind ${kind} is not served by Ballast`);
  return d;
}
