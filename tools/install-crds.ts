/** `npm run install-crds`: installs Ballast's CRDs into the cluster of $KUBECONFIG (or ~/.kube/config). */
import { KubeConfig } from '@kubernetes/client-node';
import { installCrds } from '../client/install-crds.js';

const kc = new KubeConfig();
kc.loadFromDefault();
const names = await installCrds(kc);
console.log(`installed ${names.length} CRDs: ${names.join(', ')}`);
