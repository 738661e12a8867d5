/**
 * The kube-apiserver's own count of the requests it served (`apiserver_request_total` on its
 * /metrics), read with the kubeconfig's credentials. The difference of two reads is the number of
 * requests made in between, by every client of that apiserver.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import https from 'node:https';

/** Sum of `apiserver_request_total` over all its label sets. */
export async function apiserverRequestTotal(kc: KubeConfig): Promise<number> {
  return sumCounter(await getMetrics(kc), 'apiserver_request_total');
}

/** `apiserver_request_total` per "VERB resource[/subresource]", for what a run spent its requests on. */
export async function apiserverRequestsByKind(kc: KubeConfig): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of (await getMetrics(kc)).split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const label = (name: string): string => line.match(new RegExp(`[{,]${name}="([^"]*)"`))?.[1] ?? '';
    const sub = label('subresource');
    const key = `${label('verb')} ${label('resource')}${sub ? `/${sub}` : ''}`;
    out[key] = (out[key] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return out;
}

/** `after - before` per key, largest first, without the zeros. */
export function requestDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([k, v]) => [k, v - (before[k] ?? 0)] as const)
      .filter(([, v]) => v > 0)
      .sort((a, b) => b[1] - a[1])
  );
}

/** Sums every sample of a Prometheus counter in text exposition format. */
export function sumCounter(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

async function getMetrics(kc: KubeConfig): Promise<string> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('benchmark: the kubeconfig has no current cluster to read /metrics from');
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  return new Promise((resolve, reject) => {
    const req = https.get(new URL('/metrics', server), opts, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(body)
          : reject(new Error(`benchmark: GET ${server}/metrics answered ${res.statusCode}: ${body.slice(0, 200)}`))
      );
    });
    req.on('error', reject);
  });
}
