/**
 * `bitbucketserver` (Bitbucket Data Center): sets a build status through
 * `/rest/api/latest/projects/<project>/repos/<repo>/commits/<sha>/builds`, with a Bearer token or
 * basic auth, skipping an unchanged one (Flux's BitbucketServer notifier). The address is the
 * repository's HTTP clone URL, `https://host[/context]/scm/<project>/<repo>.git`.
 *
 * @module
 */
import { invalidConfig } from '../config-errors.js';
import { statusNameAndDescription } from '../format.js';
import { DELIVERED, type Notifier, type ProviderTarget } from '../types.js';
import { statusKey } from './bitbucket.js';
import { commitSha, isProgressing, parseJson, PROGRESSING, UNCHANGED } from './commit-status.js';

const SCM = '/scm/';

/** The commits API URL of the repository a clone URL names. */
export function bitbucketServerCommitsUrl(t: ProviderTarget): URL {
  let url: URL;
  try {
    url = new URL(t.address);
  } catch {
    throw invalidConfig(t, "address must be the repository's http(s) clone URL, .../scm/<project>/<repo>.git");
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidConfig(t, `address must be an http or https clone URL, not ${url.protocol}`);
  }
  const path = url.pathname.replace(/\.git$/, '');
  const at = path.lastIndexOf(SCM);
  if (at < 0) throw invalidConfig(t, 'address is not an http(s) git clone URL (no /scm/ in its path)');
  const parts = path.slice(at + SCM.length).split('/');
  if (parts.length !== 2) throw invalidConfig(t, `invalid repository id '${parts.join('/')}': want <project>/<repo>`);
  url.pathname = `${path.slice(0, at)}/rest/api/latest/projects/${parts[0]}/repos/${parts[1]}/commits`;
  url.search = '';
  return url;
}

function authHeaders(t: ProviderTarget): Record<string, string> {
  let authorization: string;
  if (t.token) authorization = `Bearer ${t.token}`;
  else if (t.username && t.password) {
    authorization = `Basic ${Buffer.from(`${t.username}:${t.password}`).toString('base64')}`;
  } else throw invalidConfig(t, 'bitbucketserver needs a "token", or "username" and "password", in the Secret');
  return { Authorization: authorization, 'x-atlassian-token': 'no-check', 'x-requested-with': 'XMLHttpRequest' };
}

export const bitbucketserver: Notifier = async (event, t) => {
  if (isProgressing(event)) return PROGRESSING;
  const commits = bitbucketServerCommitsUrl(t);
  const sha = commitSha(event, t);
  const headers = authHeaders(t);
  const { name: objectName, description } = statusNameAndDescription(event);
  // Bitbucket Server shows only the name in its UI, so Flux puts the description there too.
  const name = `${objectName} [${description}]`;
  const key = statusKey(t.commitStatus);
  const state = event.severity === 'error' ? 'FAILED' : 'SUCCESSFUL';
  const builds = `${commits.href}/${sha}/builds`;
  const existing = await t.http.request({ method: 'GET', url: `${builds}?key=${key}`, headers }, [404]);
  if (existing.status === 200) {
    const s = parseJson<{ key?: string; state?: string; description?: string; name?: string }>(existing.text, {});
    if (s.key === key && s.state === state && s.description === description && s.name === name) return UNCHANGED;
  }
  const status = { key, state, url: t.address, description, name };
  await t.http.request({ method: 'POST', url: builds, headers, json: status });
  return DELIVERED;
};
