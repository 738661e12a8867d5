/** Every Provider type Ballast delivers to, by its `spec.type`. */
import type { SUPPORTED_PROVIDER_TYPES } from '../../../api/provider.js';
import type { Notifier } from '../types.js';
import { azuredevops } from './azuredevops.js';
import { bitbucket } from './bitbucket.js';
import { bitbucketserver } from './bitbucketserver.js';
import { discord } from './discord.js';
import { generic, genericHmac } from './generic.js';
import { gitea } from './gitea.js';
import { github } from './github.js';
import { gitlab } from './gitlab.js';
import { googlechat } from './googlechat.js';
import { msteams } from './msteams.js';
import { rocket } from './rocket.js';
import { slack } from './slack.js';
import { webex } from './webex.js';

export const NOTIFIERS: Record<(typeof SUPPORTED_PROVIDER_TYPES)[number], Notifier> = {
  generic,
  'generic-hmac': genericHmac,
  slack,
  msteams,
  discord,
  rocket,
  googlechat,
  webex,
  github,
  gitlab,
  gitea,
  bitbucketserver,
  bitbucket,
  azuredevops,
};
