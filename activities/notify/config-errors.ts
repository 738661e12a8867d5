import { ApplicationFailure } from '@temporalio/activity';
import { Reason } from '../../api/reasons.js';

/** Identifies the Provider in a message, never its address or credentials. */
interface Named {
  namespace: string;
  name: string;
  type?: string;
}

/**
 * A Provider misconfiguration a retry cannot fix: non-retryable, type InvalidConfig, the message
 * naming the Provider and what to change.
 */
export function invalidConfig(p: Named, message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`Provider ${p.namespace}/${p.name}: ${message}`, Reason.InvalidConfig);
}

/**
 * The Provider's address as a URL (http or https). The address is not quoted in the error: it
 * may come from the Secret, and a webhook URL is itself a credential.
 */
export function requireHttpUrl(p: Named & { address: string }, what = 'address'): URL {
  if (p.address === '') {
    throw invalidConfig(p, `${what} is empty: set spec.address or the Secret's "address" key`);
  }
  let url: URL;
  try {
    url = new URL(p.address);
  } catch {
    throw invalidConfig(p, `${what} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidConfig(p, `${what} must be an http:// or https:// URL, not ${url.protocol}`);
  }
  return url;
}
