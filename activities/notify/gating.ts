/**
 * Which events a Provider takes (Flux's getNotificationParams): a suspended Provider takes none;
 * commit status providers take commit status updates, events naming a commit, and errors; other
 * providers, except the generic ones, leave commit status updates to them.
 *
 * @module
 */
import type { NotificationRequest } from '../../api/notification.js';
import { isCommitStatusProvider } from '../../api/provider.js';

/** Why the Provider does not take the event, or undefined when it does. */
export function skipReason(
  provider: { type: string; suspend?: boolean },
  req: Pick<NotificationRequest, 'event' | 'commitStatusUpdate' | 'hasCommitKey'>
): string | undefined {
  if (provider.suspend) return 'the Provider is suspended';
  const generic = provider.type === 'generic' || provider.type === 'generic-hmac';
  if (!isCommitStatusProvider(provider.type) && !generic && req.commitStatusUpdate) {
    return 'commit status updates go to commit status and generic providers only';
  }
  if (
    isCommitStatusProvider(provider.type) &&
    !req.hasCommitKey &&
    !req.commitStatusUpdate &&
    req.event.severity !== 'error'
  ) {
    return 'commit status providers take only commit status updates, events naming a commit, and errors';
  }
  return undefined;
}
