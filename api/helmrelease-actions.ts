/**
 * The per-action blocks of a HelmRelease spec (helm.toolkit.fluxcd.io/v2): `install`, `upgrade`,
 * `test`, `rollback` and `uninstall`, with their remediation and retry strategies. They live apart
 * from `api/helmrelease.ts` so each file stays readable; only that file composes them.
 *
 * Flux leaves most of these fields without a CRD default and resolves them in code; the TSDoc of each
 * field names the effective default, and {@link remediationPolicyOf} resolves the ones the release
 * decision needs.
 *
 * @module
 */
import { z } from 'zod';
import { DurationSchema } from './meta.js';

const timeout = DurationSchema.optional().describe(
  'Timeout of each Kubernetes operation (hooks, waits) of this action; spec.timeout when empty.'
);

/** How Helm treats the chart's `crds/` directory. */
export const CRDsPolicySchema = z
  .enum(['Skip', 'Create', 'CreateReplace'])
  .describe('Skip: leave CRDs alone; Create: create missing ones; CreateReplace: create and replace.');
/** How Helm treats the chart's `crds/` directory. */
export type CRDsPolicy = z.infer<typeof CRDsPolicySchema>;

/** `install.strategy` / `upgrade.strategy`: what to do after a failed action. */
export const ActionStrategySchema = z.object({
  name: z
    .enum(['RemediateOnFailure', 'RetryOnFailure'])
    .describe('RemediateOnFailure (default) runs the remediation; RetryOnFailure retries after retryInterval.'),
  retryInterval: DurationSchema.optional().describe('Wait before a RetryOnFailure retry; 5m when empty.'),
});
/** `install.strategy` / `upgrade.strategy`. */
export type ActionStrategy = z.infer<typeof ActionStrategySchema>;

const retries = z
  .int()
  .optional()
  .describe('Retries before giving up (Stalled RetriesExceeded); 0 when empty, negative for unlimited.');
const ignoreTestFailures = z
  .boolean()
  .optional()
  .describe('Do not remediate when tests fail after this action; test.ignoreFailures when empty.');

/** `install.remediation`. Install failures are always remediated by an uninstall. */
export const InstallRemediationSchema = z.object({
  retries,
  ignoreTestFailures,
  remediateLastFailure: z
    .boolean()
    .optional()
    .describe('Remediate the last failure too, when no retries remain; false when empty.'),
});
/** `install.remediation`. */
export type InstallRemediation = z.infer<typeof InstallRemediationSchema>;

/** `upgrade.remediation`. */
export const UpgradeRemediationSchema = z.object({
  retries,
  ignoreTestFailures,
  remediateLastFailure: z
    .boolean()
    .optional()
    .describe('Remediate the last failure too, when no retries remain; true when empty and retries > 0.'),
  strategy: z.enum(['rollback', 'uninstall']).optional().describe('Remediation action; rollback when empty.'),
});
/** `upgrade.remediation`. */
export type UpgradeRemediation = z.infer<typeof UpgradeRemediationSchema>;

/** Flags install and upgrade share. */
const commonActionFields = {
  timeout,
  disableTakeOwnership: z.boolean().optional().describe('Do not adopt existing objects that no release owns.'),
  disableWait: z.boolean().optional().describe('Do not wait for the released objects to become ready.'),
  disableWaitForJobs: z.boolean().optional().describe('Do not wait for Jobs to complete.'),
  disableHooks: z.boolean().optional().describe('Do not run chart hooks.'),
  disableOpenAPIValidation: z.boolean().optional().describe('Do not validate manifests against the OpenAPI schema.'),
  disableSchemaValidation: z.boolean().optional().describe("Do not validate values against the chart's JSON schema."),
};

/** `spec.install`: how a release is first installed. */
export const InstallSchema = z.object({
  ...commonActionFields,
  strategy: ActionStrategySchema.optional().describe('What to do after a failed install.'),
  remediation: InstallRemediationSchema.optional().describe('Retries and remediation of failed installs.'),
  replace: z
    .boolean()
    .optional()
    .describe('Reuse the release name if it belongs to an uninstalled release in history.'),
  skipCRDs: z.boolean().optional().describe('Deprecated: use crds: Skip.'),
  crds: CRDsPolicySchema.optional().describe('CRD policy on install; Create when empty.'),
  createNamespace: z.boolean().optional().describe('Create the target namespace; it is never deleted.'),
  serverSideApply: z.boolean().optional().describe('Apply with server-side apply; true when empty (Helm 4).'),
});
/** `spec.install`. */
export type Install = z.infer<typeof InstallSchema>;

/** Server-side apply for upgrade and rollback: `auto` follows the release being replaced. */
export const ServerSideApplyModeSchema = z
  .enum(['enabled', 'disabled', 'auto'])
  .describe('enabled, disabled, or auto (default): as the previous release was applied.');

/** `spec.upgrade`: how a release is upgraded. */
export const UpgradeSchema = z.object({
  ...commonActionFields,
  strategy: ActionStrategySchema.optional().describe('What to do after a failed upgrade.'),
  remediation: UpgradeRemediationSchema.optional().describe('Retries and remediation of failed upgrades.'),
  force: z.boolean().optional().describe('Replace objects whose update is refused.'),
  preserveValues: z
    .boolean()
    .optional()
    .describe("Reuse the last release's values under spec.values (non-declarative)."),
  cleanupOnFail: z.boolean().optional().describe('Delete objects created by a failed upgrade.'),
  crds: CRDsPolicySchema.optional().describe('CRD policy on upgrade; Skip when empty.'),
  serverSideApply: ServerSideApplyModeSchema.optional(),
  chartNameChangeStrategy: z
    .enum(['Reinstall', 'InPlaceUpdate'])
    .optional()
    .describe('On a chart name change: uninstall and install (Reinstall, default) or upgrade in place.'),
});
/** `spec.upgrade`. */
export type Upgrade = z.infer<typeof UpgradeSchema>;

/** `spec.test`: `helm test` after install and upgrade. */
export const TestSchema = z.object({
  enable: z.boolean().optional().describe('Run the chart tests after every install and upgrade.'),
  timeout,
  ignoreFailures: z.boolean().optional().describe('Do not remediate when tests fail.'),
  filters: z
    .array(
      z.object({
        name: z.string().min(1).max(253).describe('Name of the test.'),
        exclude: z.boolean().optional().describe('Skip this test instead of running only it.'),
      })
    )
    .optional()
    .describe('Tests to run or skip.'),
});
/** `spec.test`. */
export type Test = z.infer<typeof TestSchema>;

/** `spec.rollback`: the rollback used by upgrade remediation. */
export const RollbackSchema = z.object({
  timeout,
  disableWait: z.boolean().optional().describe('Do not wait for the objects to become ready.'),
  disableWaitForJobs: z.boolean().optional().describe('Do not wait for Jobs to complete.'),
  disableHooks: z.boolean().optional().describe('Do not run chart hooks.'),
  recreate: z.boolean().optional().describe('Deprecated no-op.'),
  force: z.boolean().optional().describe('Replace objects whose update is refused.'),
  cleanupOnFail: z.boolean().optional().describe('Delete objects created by a failed rollback.'),
  serverSideApply: ServerSideApplyModeSchema.optional(),
});
/** `spec.rollback`. */
export type Rollback = z.infer<typeof RollbackSchema>;

/** `spec.uninstall`: used on deletion and by uninstall remediation. */
export const UninstallSchema = z.object({
  timeout,
  disableHooks: z.boolean().optional().describe('Do not run chart hooks.'),
  keepHistory: z.boolean().optional().describe('Keep the release history in Helm storage.'),
  disableWait: z.boolean().optional().describe('Do not wait for the objects to be deleted.'),
  deletionPropagation: z
    .enum(['background', 'foreground', 'orphan'])
    .default('background')
    .describe('Kubernetes deletion propagation of the released objects.'),
});
/** `spec.uninstall`, defaults applied. */
export type Uninstall = z.infer<typeof UninstallSchema>;

/**
 * The remediation settings of one action, every Flux default resolved: what the release decision
 * (`workflows/helmrelease-decide.ts`) needs to know about install or upgrade.
 */
export interface RemediationPolicy {
  /** Retries before giving up; negative means unlimited. */
  retries: number;
  /** Remediate even the failure that exhausts the retries. */
  remediateLastFailure: boolean;
  /** What remediates a failure; install is always `uninstall`. */
  strategy: 'rollback' | 'uninstall';
  /** Failed tests do not count as a failed release. */
  ignoreTestFailures: boolean;
  /** RemediateOnFailure (remediate, then retry) or RetryOnFailure (retry without remediation). */
  onFailure: 'RemediateOnFailure' | 'RetryOnFailure';
}

/**
 * Resolves the Flux defaults of `spec.install` or `spec.upgrade` into a {@link RemediationPolicy}:
 * retries 0, remediateLastFailure false (upgrade: true when retries > 0), strategy uninstall for
 * install and rollback for upgrade, ignoreTestFailures from `test.ignoreFailures`.
 *
 * @example remediationPolicyOf('upgrade', { upgrade: { remediation: { retries: 3 } } })
 */
export function remediationPolicyOf(
  action: 'install' | 'upgrade',
  spec: { install?: Install; upgrade?: Upgrade; test?: Test }
): RemediationPolicy {
  const block = action === 'install' ? spec.install : spec.upgrade;
  const remediation: UpgradeRemediation = block?.remediation ?? {};
  const retryCount = remediation.retries ?? 0;
  const lastFailureDefault = action === 'upgrade' && retryCount > 0;
  return {
    retries: retryCount,
    remediateLastFailure: remediation.remediateLastFailure ?? lastFailureDefault,
    strategy: action === 'install' ? 'uninstall' : (remediation.strategy ?? 'rollback'),
    ignoreTestFailures: remediation.ignoreTestFailures ?? spec.test?.ignoreFailures ?? false,
    onFailure: block?.strategy?.name ?? 'RemediateOnFailure',
  };
}
