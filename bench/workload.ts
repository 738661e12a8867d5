/**
 * The app package of Flux's MTTP benchmark (fluxcd/flux-benchmark): a Deployment scaled to zero,
 * a ServiceAccount, a Service and an Ingress. Written once as plain manifests (Kustomizations, the
 * floor) and once as Helm templates (HelmReleases), so every path applies the same four objects.
 */
import { parseAllDocuments } from 'yaml';
import type { KubernetesObject } from '@kubernetes/client-node';

/** The four manifests of one app, `name` substituted; `namespace` is set only when given (the floor). */
export function appManifests(name: string, namespace?: string): string {
  const ns = namespace ? `\n  namespace: ${namespace}` : '';
  return `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}${ns}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}${ns}
spec:
  replicas: 0
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      serviceAccountName: ${name}
      containers:
        - name: app
          image: ghcr.io/stefanprodan/podinfo:6.5.3
          ports: [{ name: http, containerPort: 9898 }]
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}${ns}
spec:
  selector: { app: ${name} }
  ports: [{ name: http, port: 80, targetPort: http }]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}${ns}
spec:
  rules:
    - host: ${name}.bench.example
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: { service: { name: ${name}, port: { name: http } } }
`;
}

/** The same four objects as parsed objects, for the floor's direct server-side apply. */
export function appObjects(name: string, namespace: string): KubernetesObject[] {
  return parseAllDocuments(appManifests(name, namespace)).map((d) => d.toJS() as KubernetesObject);
}

/** Files of the Git repository: `apps/<name>/app.yaml` for each app. */
export function appRepoFiles(names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [`apps/${n}/app.yaml`, appManifests(n)]));
}

/** The app as a Helm template: the release name is the app name. */
export const APP_CHART_TEMPLATE = appManifests('{{ .Release.Name }}');

/** Names of the N apps: `app-0001` …, sortable. */
export function appNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `app-${String(i + 1).padStart(4, '0')}`);
}
