/**
 * What a Provider implementation receives and returns. One implementation per file under
 * `providers/`, registered by type in `providers/index.ts`.
 *
 * @module
 */
import type { FluxEvent } from '../../api/events.js';
import type { ProviderType } from '../../api/provider.js';
import type { ProviderHttp } from './http.js';

/**
 * A Provider with its Secret read: credentials live only in this object, inside the delivery
 * activity, for one send.
 */
export interface ProviderTarget {
  type: ProviderType;
  namespace: string;
  name: string;
  /** `secretRef` key `address` when present, else `spec.address`; may be empty. */
  address: string;
  channel?: string;
  /** `spec.username`, or the Secret's `username` when the Secret holds basic auth. */
  username?: string;
  /** Secret key `token`. */
  token?: string;
  /** Secret key `password`. */
  password?: string;
  /** Secret key `headers` (a YAML map), sent by the generic providers. */
  headers: Record<string, string>;
  /** Commit status context of the git providers, `<kind>/<name>/<provider uid prefix>`. */
  commitStatus: string;
  http: ProviderHttp;
  /** Fixed API addresses some providers use (overridable for tests). */
  apiUrls: ProviderApiUrls;
}

/** API base addresses that do not come from the Provider's address. */
export interface ProviderApiUrls {
  /** Bitbucket Cloud's REST API, `https://api.bitbucket.org/2.0`. */
  bitbucket: string;
}

/** The default {@link ProviderApiUrls}. */
export const DEFAULT_API_URLS: ProviderApiUrls = { bitbucket: 'https://api.bitbucket.org/2.0' };

/** What one send did. */
export type SendResult = { outcome: 'delivered' } | { outcome: 'skipped'; detail: string };

/** Sends one event to one Provider; throws ApplicationFailure on failure (see ProviderHttp). */
export type Notifier = (event: FluxEvent, target: ProviderTarget) => Promise<SendResult>;

/** The result of a send that went through. */
export const DELIVERED: SendResult = { outcome: 'delivered' };
