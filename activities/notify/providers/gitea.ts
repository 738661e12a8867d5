/**
 * `gitea` (also Forgejo): sets a commit status through Gitea's API v1 with `Authorization: token`,
 * `pending` for Progressing events, `success` / `failure` otherwise, skipping an unchanged one
 * (Flux's Gitea notifier).
 *
 * @module
 */
import { statusNameAndDescription } from '../format.js';
import { DELIVERED, type Notifier } from '../types.js';
import {
  commitSha,
  isProgressing,
  ownerAndRepo,
  parseGitAddress,
  parseJson,
  requireToken,
  UNCHANGED,
} from './commit-status.js';

interface GiteaStatus {
  status?: string;
  context?: string;
  description?: string;
}

export const gitea: Notifier = async (event, t) => {
  const token = requireToken(t);
  const { host, id } = parseGitAddress(t);
  const [owner, repo] = ownerAndRepo(t, id);
  const sha = commitSha(event, t);
  const headers = { Authorization: `token ${token}` };
  const url = `${host}/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/statuses/${sha}`;
  const state = isProgressing(event) ? 'pending' : event.severity === 'error' ? 'failure' : 'success';
  const status = {
    state,
    target_url: '',
    description: statusNameAndDescription(event).description,
    context: t.commitStatus,
  };
  const listed = await t.http.request({ method: 'GET', url: `${url}?page=0&limit=50`, headers });
  const current = parseJson<GiteaStatus[]>(listed.text, []).find((s) => s.context === status.context);
  if (current?.status === status.state && current.description === status.description) return UNCHANGED;
  await t.http.request({ method: 'POST', url, headers, json: status });
  return DELIVERED;
};
