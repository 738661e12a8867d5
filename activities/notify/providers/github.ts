/**
 * `github`: sets a commit status (`success` / `failure`) through GitHub's REST API, skipping it
 * when the newest status of the same context already says the same (Flux's GitHub notifier).
 * github.com uses api.github.com; any other host is GitHub Enterprise at `<host>/api/v3`.
 *
 * @module
 */
import { DELIVERED, type Notifier } from '../types.js';
import { statusNameAndDescription } from '../format.js';
import {
  commitSha,
  isProgressing,
  ownerAndRepo,
  parseGitAddress,
  parseJson,
  PROGRESSING,
  requireToken,
  UNCHANGED,
} from './commit-status.js';

interface GitHubStatus {
  state?: string;
  context?: string;
  description?: string;
}

/** The REST API base of a GitHub host. */
export function gitHubApiBase(host: string): string {
  return new URL(host).host === 'github.com' ? 'https://api.github.com' : `${host}/api/v3`;
}

export const github: Notifier = async (event, t) => {
  if (isProgressing(event)) return PROGRESSING;
  const { host, id } = parseGitAddress(t);
  const [owner, repo] = ownerAndRepo(t, id);
  const sha = commitSha(event, t);
  const headers = {
    Authorization: `Bearer ${requireToken(t)}`,
    Accept: 'application/vnd.github+json',
    'X-GitHub-Api-Version': '2022-11-28',
  };
  const repoUrl = `${gitHubApiBase(host)}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
  const status = {
    state: event.severity === 'error' ? 'failure' : 'success',
    description: statusNameAndDescription(event).description,
    context: t.commitStatus,
  };
  const listed = await t.http.request({
    method: 'GET',
    url: `${repoUrl}/commits/${sha}/statuses?per_page=50`,
    headers,
  });
  // Statuses come newest first: the first one of our context is the current one.
  const current = parseJson<GitHubStatus[]>(listed.text, []).find((s) => s.context === status.context);
  if (current?.state === status.state && current.description === status.description) return UNCHANGED;
  await t.http.request({ method: 'POST', url: `${repoUrl}/statuses/${sha}`, headers, json: status });
  return DELIVERED;
};
