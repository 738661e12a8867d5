/**
 * Every kind Ballast serves, by name: the controller watches them, the status writer and the
 * CRD generator look them up here.
 */
import { AlertKind } from './alert.js';
import { GitRepositoryKind } from './gitrepository.js';
import { HelmChartKind } from './helmchart.js';
import { HelmReleaseKind } from './helmrelease.js';
import { HelmRepositoryKind } from './helmrepository.js';
import { KustomizationKind } from './kustomization.js';
import type { KindDescriptor } from './meta.js';
import { ProviderKind } from './provider.js';
import { ReceiverKind } from './receiver.js';

export const KINDS: Record<string, KindDescriptor> = {
  GitRepository: GitRepositoryKind,
  HelmRepository: HelmRepositoryKind,
  HelmChart: HelmChartKind,
  Kustomization: KustomizationKind,
  HelmRelease: HelmReleaseKind,
  Receiver: ReceiverKind,
  Alert: AlertKind,
  Provider: ProviderKind,
};

/** The descriptor of a served kind; throws for an unknown one (a programming error). */
export function kindDescriptor(kind: string): KindDescriptor {
  const d = KINDS[kind];
  if (!d) throw new Error(`kind ${kind} is not served by Ballast`);
  return d;
}

/**
 * The served kind a person's word names: the kind, its plural, singular or short name, in any
 * case (`Kustomization`, `kustomizations`, `ks`), as kubectl and flux accept them.
 */
export function kindByName(word: string): KindDescriptor | undefined {
  const wanted = word.toLowerCase();
  return Object.values(KINDS).find((d) =>
    [d.kind, d.plural, d.singular, ...d.shortNames].some((n) => n.toLowerCase() === wanted)
  );
}
