/**
 * The reconcile API's request and response shapes as zod schemas: one source for request
 * validation, for the response types and, through `z.toJSONSchema`, for the OpenAPI document.
 *
 * @module
 */
import { z } from 'zod';
import type { ReconcileProgress, ReconcileResult } from '../../api/messages.js';

/** `ReconcileResult` of api/messages.ts; {@link SameType} below keeps the two from drifting apart. */
export const ReconcileResultSchema = z
  .object({
    ready: z.boolean().describe('Whether the object was Ready after the reconcile.'),
    reason: z.string().describe('Reason of the Ready condition, e.g. ReconciliationSucceeded.'),
    message: z.string().describe('Message of the Ready condition.'),
    revision: z.string().optional().describe('Source revision the reconcile applied, when it has one.'),
    steps: z.array(z.string()).describe('Steps run, in order.'),
    durationMs: z.number().describe('How long the reconcile took, in milliseconds.'),
    objectsChanged: z.int().optional().describe('Objects created, configured or deleted, when the kind counts them.'),
    finishedAt: z.string().optional().describe('When the reconcile finished (ISO 8601).'),
  })
  .describe('The outcome of one reconcile.');

/** `ReconcileProgress` of api/messages.ts. */
export const ReconcileProgressSchema = z
  .object({
    step: z.string().describe("Step running now, e.g. 'build'; 'idle' between reconciles."),
    reconciles: z.int().describe('Reconciles finished by the current workflow run.'),
    last: ReconcileResultSchema.optional().describe('Outcome of the last finished reconcile.'),
    recent: z.array(ReconcileResultSchema).optional().describe('The newest reconciles, newest first.'),
  })
  .describe('What the object’s workflow is doing now.');

/** True only when A and B have the same fields with compatible types: a field added to one side fails to compile. */
type SameType<A, B> = [A, keyof A] extends [B, keyof B] ? ([B, keyof B] extends [A, keyof A] ? true : false) : false;
const resultInSync: SameType<z.infer<typeof ReconcileResultSchema>, ReconcileResult> = true;
const progressInSync: SameType<z.infer<typeof ReconcileProgressSchema>, ReconcileProgress> = true;
void resultInSync;
void progressInSync;

/** 202 answer to `?wait=false`: where to poll for the result. */
export const ReconcileAcceptedSchema = z
  .object({
    workflowId: z.string().describe('The object’s workflow, <cluster>/<kind>/<namespace>/<name>.'),
    updateId: z.string().describe('Handle of this reconcile request.'),
    runId: z.string().describe('Workflow run that accepted the request.'),
    poll: z.string().describe('GET this path for the result.'),
  })
  .describe('A reconcile request the workflow accepted.');
/** 202 answer to `?wait=false`. */
export type ReconcileAccepted = z.infer<typeof ReconcileAcceptedSchema>;

/** Answer to a poll of one request: running (with progress) or completed (with its result). */
export const ReconcileRequestStatusSchema = z
  .object({
    updateId: z.string(),
    state: z.enum(['running', 'completed']),
    result: ReconcileResultSchema.optional().describe('Set once completed.'),
    progress: ReconcileProgressSchema.optional().describe('Set while running.'),
  })
  .describe('The state of one reconcile request.');
/** Answer to a poll of one request. */
export type ReconcileRequestStatus = z.infer<typeof ReconcileRequestStatusSchema>;

/** Every error answer. */
export const ApiErrorSchema = z.object({ error: z.string().describe('What went wrong and how to fix it.') });

// Kubernetes name rules: a namespace is a DNS label, an object name a DNS subdomain.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Path parameters naming the object. */
export const ObjectParamsSchema = z.object({
  kind: z.string().min(1).describe('Kind, case-insensitive; plural and short names work too (ks, hr).'),
  namespace: z.string().max(63).regex(DNS_LABEL, 'must be a namespace name (DNS label)').describe('Namespace.'),
  name: z.string().max(253).regex(DNS_SUBDOMAIN, 'must be an object name (DNS subdomain)').describe('Name.'),
});

/** Query of the POST: wait for the result (default) or answer 202 at once. */
export const ReconcileQuerySchema = z.object({
  wait: z
    .enum(['true', 'false'])
    .default('true')
    .describe('false: answer 202 with a handle as soon as the workflow accepted the request.'),
});

/** Query of the GET: without `update`, the object's progress; with it, that request's state. */
export const StatusQuerySchema = z.object({
  update: z.string().min(1).optional().describe('updateId from a 202 answer.'),
  run: z.string().min(1).optional().describe('runId from the same 202 answer.'),
});
