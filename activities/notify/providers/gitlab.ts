/**
 * `gitlab`: sets a commit status (`success` / `failed`) through GitLab's REST API v4 with a
 * `PRIVATE-TOKEN`, skipping it when a status of the same name already says the same (Flux's
 * GitLab notifier). The project is the address's path, e.g. `group/subgroup/app`.
 *
 * @module
 */
import { statusNameAndDescription } from '../format.js';
import { DELIVERED, type Notifier } from '../types.js';
import {
  commitSha,
  isProgressing,
  parseGitAddress,
  parseJson,
  PROGRESSING,
  requireToken,
  UNCHANGED,
} from './commit-status.js';

interface GitLabStatus {
  sha?: string;
  status?: string;
  name?: string;
  description?: string;
}

export const gitlab: Notifier = async (event, t) => {
  if (isProgressing(event)) return PROGRESSING;
  const token = requireToken(t);
  const { host, id } = parseGitAddress(t);
  const sha = commitSha(event, t);
  const headers = { 'PRIVATE-TOKEN': token };
  const project = `${host}/api/v4/projects/${encodeURIComponent(id)}`;
  const status = {
    state: event.severity === 'error' ? 'failed' : 'success',
    name: t.commitStatus,
    description: statusNameAndDescription(event).description,
  };
  const query = new URLSearchParams({ name: status.name });
  const listed = await t.http.request({
    method: 'GET',
    url: `${project}/repository/commits/${sha}/statuses?${query.toString()}`,
    headers,
  });
  const same = parseJson<GitLabStatus[]>(listed.text, []).some(
    (s) => s.sha === sha && s.status === status.state && s.name === status.name && s.description === status.description
  );
  if (same) return UNCHANGED;
  await t.http.request({ method: 'POST', url: `${project}/statuses/${sha}`, headers, json: status });
  return DELIVERED;
};
