/**
 * Who suspended an object and why, kept on the object itself as annotations, so `ballast get`,
 * `kubectl describe` and anyone else reading the object see it. `resume` removes them.
 *
 * @module
 */

/** Annotation keys under Ballast's domain. */
export const SuspendAnnotation = {
  by: 'ballast.dev/suspended-by',
  reason: 'ballast.dev/suspend-reason',
  at: 'ballast.dev/suspended-at',
} as const;

/** The suspension of an object as read from its spec and annotations. */
export interface Suspension {
  suspended: boolean;
  by?: string;
  reason?: string;
  /** RFC 3339. */
  at?: string;
}

/** Reads `spec.suspend` and the suspension annotations. */
export function suspensionOf(obj: { metadata?: { annotations?: Record<string, string> }; spec?: unknown }): Suspension {
  const suspended = (obj.spec as { suspend?: unknown } | undefined)?.suspend === true;
  if (!suspended) return { suspended };
  const a = obj.metadata?.annotations ?? {};
  return {
    suspended,
    ...(a[SuspendAnnotation.by] ? { by: a[SuspendAnnotation.by] } : {}),
    ...(a[SuspendAnnotation.reason] ? { reason: a[SuspendAnnotation.reason] } : {}),
    ...(a[SuspendAnnotation.at] ? { at: a[SuspendAnnotation.at] } : {}),
  };
}

/**
 * Who is acting: the login name ($USER) and the kubeconfig user it acts through, e.g.
 * `alice (kubeconfig user admin)`; whichever is known alone; `unknown` when neither is.
 */
export function actorName(who: { login?: string; kubeUser?: string }): string {
  const { login, kubeUser } = who;
  if (login && kubeUser && login !== kubeUser) return `${login} (kubeconfig user ${kubeUser})`;
  return login || kubeUser || 'unknown';
}

/** Merge patch that suspends and records who, why (a missing reason removes an old one) and when. */
export function suspendPatch(by: string, reason: string | undefined, at: Date): Record<string, unknown> {
  return {
    metadata: {
      annotations: {
        [SuspendAnnotation.by]: by,
        [SuspendAnnotation.reason]: reason ?? null,
        [SuspendAnnotation.at]: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
    },
    spec: { suspend: true },
  };
}

/** Merge patch that resumes and removes the suspension annotations. */
export function resumePatch(): Record<string, unknown> {
  return {
    metadata: {
      annotations: { [SuspendAnnotation.by]: null, [SuspendAnnotation.reason]: null, [SuspendAnnotation.at]: null },
    },
    spec: { suspend: false },
  };
}
