import type { KustomizationSpec } from '../../api/kustomization.js';
import type { KubeClients } from '../kube/client.js';
import { readSecretStrings } from '../kube/secrets.js';
import { DecryptionError, sopsDecryptor, type Decryptor } from './sops.js';

/** Data entries of the decryption Secret whose names end in this hold age identities, as in Flux. */
export const AGE_KEY_SUFFIX = '.agekey';

/** The age identities in a decryption Secret's data: every entry whose name ends in `.agekey`. */
export function ageKeysFrom(data: Record<string, string>): string[] {
  return Object.entries(data)
    .filter(([name]) => name.endsWith(AGE_KEY_SUFFIX))
    .map(([, value]) => value.trim())
    .filter((value) => value.length > 0);
}

/**
 * The Decryptor for a Kustomization's `spec.decryption` (provider `sops`, the only one the schema allows), or undefined when it has none. Reads the
 * age keys from `decryption.secretRef` in the Kustomization's namespace; the keys stay in this
 * activity's memory. A missing Secret fails the build (as in Flux), even before anything is found
 * to decrypt, so a typo in the reference shows at once.
 */
export async function resolveDecryptor(
  kube: KubeClients,
  namespace: string,
  spec: KustomizationSpec,
  opts: { sopsBinary: string; timeoutMs: number }
): Promise<Decryptor | undefined> {
  const decryption = spec.decryption;
  if (!decryption) return undefined;
  const secretName = decryption.secretRef?.name;
  let ageKeys: string[] = [];
  if (secretName) {
    const data = await readSecretStrings(kube, namespace, secretName);
    if (!data) throw new DecryptionError(`decryption Secret ${namespace}/${secretName} not found`);
    ageKeys = ageKeysFrom(data);
  }
  const keySource = secretName ? `decryption Secret ${namespace}/${secretName}` : 'spec.decryption';
  const noKeys = secretName
    ? `${keySource} has no age keys (data entries ending in ${AGE_KEY_SUFFIX})`
    : `spec.decryption.secretRef is not set: name a Secret holding age keys (data entries ending in ${AGE_KEY_SUFFIX})`;
  return sopsDecryptor({ binary: opts.sopsBinary, ageKeys, keySource, timeoutMs: opts.timeoutMs, noKeys });
}
