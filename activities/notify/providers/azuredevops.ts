/**
 * `azuredevops`: sets a Git commit status (`succeeded` / `error`, genre `fluxcd` or
 * `fluxcd:<summary>`) through the Azure DevOps REST API with a personal access token, skipping
 * an unchanged one (Flux's AzureDevOps notifier). The address is the repository URL,
 * `https://dev.azure.com/<org>/<project>/_git/<repo>`. Workload identity is not supported.
 *
 * @module
 */
import { invalidConfig } from '../config-errors.js';
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

const API_VERSION = '6.0';

interface AzureStatus {
  state?: string;
  description?: string;
  context?: { name?: string; genre?: string };
}

export const azuredevops: Notifier = async (event, t) => {
  if (isProgressing(event)) return PROGRESSING;
  const token = requireToken(t);
  const { host, id } = parseGitAddress(t);
  const parts = id.split('/');
  if (parts.length !== 4) throw invalidConfig(t, `invalid repository id '${id}': want <org>/<project>/_git/<repo>`);
  const [org, project, , repo] = parts.map(encodeURIComponent) as [string, string, string, string];
  const sha = commitSha(event, t);
  const headers = { Authorization: `Basic ${Buffer.from(`:${token}`).toString('base64')}` };
  const url = `${host}/${org}/${project}/_apis/git/repositories/${repo}/commits/${sha}/statuses?api-version=${API_VERSION}`;
  const summary = event.metadata.summary;
  const status = {
    state: event.severity === 'error' ? 'error' : 'succeeded',
    description: statusNameAndDescription(event).description,
    context: { genre: summary !== undefined ? `fluxcd:${summary}` : 'fluxcd', name: t.commitStatus },
  };
  const listed = parseJson<{ value?: AzureStatus[] }>((await t.http.request({ method: 'GET', url, headers })).text, {});
  const current = (listed.value ?? []).find(
    (s) => s.context?.name === status.context.name && s.context.genre === status.context.genre
  );
  if (current?.state === status.state && current.description === status.description) return UNCHANGED;
  await t.http.request({ method: 'POST', url, headers, json: status });
  return DELIVERED;
};
