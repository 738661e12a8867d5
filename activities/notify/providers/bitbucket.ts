/**
 * `bitbucket` (Cloud): sets a build status (`SUCCESSFUL` / `FAILED`) keyed by the SHA-1 of the
 * commit status context, with basic auth from a `token` of the form `<user>:<app password>`,
 * skipping an unchanged one (Flux's Bitbucket notifier). The API is Bitbucket Cloud's whatever
 * host the address names; the address only gives `<workspace>/<repository>`.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { invalidConfig } from '../config-errors.js';
import { statusNameAndDescription } from '../format.js';
import { DELIVERED, type Notifier } from '../types.js';
import {
  commitSha,
  isProgressing,
  ownerAndRepo,
  parseGitAddress,
  parseJson,
  PROGRESSING,
  UNCHANGED,
} from './commit-status.js';

/** The key Bitbucket identifies a status by: hex SHA-1 of the commit status context. */
export const statusKey = (commitStatus: string): string => createHash('sha1').update(commitStatus).digest('hex');

export const bitbucket: Notifier = async (event, t) => {
  if (isProgressing(event)) return PROGRESSING;
  const parts = (t.token ?? '').split(':');
  if (parts.length !== 2) {
    throw invalidConfig(t, 'bitbucket needs the Secret\'s "token" key in the form <user>:<app password>');
  }
  const { id } = parseGitAddress(t);
  const [owner, repo] = ownerAndRepo(t, id);
  const sha = commitSha(event, t);
  const headers = { Authorization: `Basic ${Buffer.from(t.token!).toString('base64')}` };
  const { name, description } = statusNameAndDescription(event);
  const key = statusKey(t.commitStatus);
  const base = `${t.apiUrls.bitbucket}/repositories/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/commit/${sha}/statuses/build`;
  const status = {
    state: event.severity === 'error' ? 'FAILED' : 'SUCCESSFUL',
    key,
    name,
    description,
    url: 'https://bitbucket.org',
  };
  const existing = await t.http.request({ method: 'GET', url: `${base}/${key}`, headers }, [404]);
  if (existing.status === 200) {
    const current = parseJson<{ state?: string; description?: string }>(existing.text, {});
    if (current.state === status.state && current.description === status.description) return UNCHANGED;
  }
  await t.http.request({ method: 'POST', url: base, headers, json: status });
  return DELIVERED;
};
