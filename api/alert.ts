/**
 * Alert (notification.toolkit.fluxcd.io/v1beta3): which events go to which Provider. Static, as in
 * Flux: no status. Field names, enums and limits are Flux's (notification-controller
 * api/v1beta3/alert_types.go, api/v1/reference_types.go).
 *
 * @module
 */
import { z } from 'zod';
import { LocalObjectReferenceSchema, ObjectMetaSchema, type KindDescriptor } from './meta.js';
import { NOTIFICATION_API_VERSION, NOTIFICATION_OBJECT_KINDS } from './provider.js';

/**
 * A message filter: a Go regular expression. Ballast evaluates it with JavaScript's engine, which
 * reads the RE2 subset Flux users write; a leading `(?i)`, `(?s)` or `(?m)` becomes a flag.
 */
const MessageRegexSchema = z.string().refine((expr) => compileGoRegex(expr) !== undefined, {
  error: (issue) => `not a valid regular expression: ${String(issue.input)}`,
});

/** One entry of `spec.eventSources` (Flux's CrossNamespaceObjectReference). */
export const EventSourceSchema = z.object({
  apiVersion: z.string().optional().describe('API version of the referent.'),
  kind: z.enum(NOTIFICATION_OBJECT_KINDS).describe('Kind of the referent.'),
  name: z.string().min(1).max(253).describe('Name of the referent, or * for every object of the kind.'),
  namespace: z.string().min(1).max(253).optional().describe("Namespace of the referent; the Alert's by default."),
  matchLabels: z
    .record(z.string(), z.string())
    .optional()
    .describe('Labels the object must carry; requires name to be *.'),
});
/** One entry of `spec.eventSources`. */
export type EventSource = z.infer<typeof EventSourceSchema>;

/** `spec` of an Alert. */
export const AlertSpecSchema = z.object({
  providerRef: LocalObjectReferenceSchema.describe('The Provider in the same namespace events are sent to.'),
  eventSeverity: z
    .enum(['info', 'error'])
    .default('info')
    .describe("Which events pass: 'info' lets every event through, 'error' only errors."),
  eventSources: z.array(EventSourceSchema).describe('Objects whose events this Alert forwards.'),
  inclusionList: z
    .array(MessageRegexSchema)
    .optional()
    .describe('Regular expressions; when set, only messages matching one of them are sent.'),
  eventMetadata: z
    .record(z.string(), z.string())
    .optional()
    .describe('Metadata added to every event; the emitting controller wins on a conflict.'),
  exclusionList: z
    .array(MessageRegexSchema)
    .optional()
    .describe('Regular expressions; messages matching any of them are not sent (wins over inclusionList).'),
  summary: z.string().max(255).optional().describe('Deprecated: use eventMetadata.summary.'),
  suspend: z.boolean().optional().describe('Stop forwarding events.'),
});
/** `spec` of an Alert, defaults applied (`eventSeverity` is always set). */
export type AlertSpec = z.infer<typeof AlertSpecSchema>;

/** A whole Alert object, as read from the cluster or a manifest. */
export const AlertSchema = z
  .object({
    apiVersion: z.literal(NOTIFICATION_API_VERSION),
    kind: z.literal('Alert'),
    metadata: ObjectMetaSchema,
    spec: AlertSpecSchema,
  })
  .describe('Alert forwards the events of selected objects to a Provider.');
/** A whole Alert object, defaults applied. */
export type Alert = z.infer<typeof AlertSchema>;

/** REST names, schemas and columns of Alert, as Flux's CRD declares them (no status). */
export const AlertKind = {
  group: 'notification.toolkit.fluxcd.io',
  version: 'v1beta3',
  apiVersion: NOTIFICATION_API_VERSION,
  kind: 'Alert',
  listKind: 'AlertList',
  plural: 'alerts',
  singular: 'alert',
  shortNames: [],
  categories: ['all', 'fluxcd', 'fluxcd-notifications'],
  scope: 'Namespaced',
  schemas: { spec: AlertSpecSchema, status: z.object({}), object: AlertSchema },
  printerColumns: [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }],
} as const satisfies KindDescriptor;

const GO_FLAGS = /^\(\?([ims]+)\)/;

/**
 * Compiles a Go (RE2) regular expression as a JavaScript one; undefined when it is not valid.
 * Matching is unanchored, like Go's `Regexp.Match`.
 *
 * @example compileGoRegex('(?i)^no changes')?.test('No changes since 1h') // true
 */
export function compileGoRegex(expr: string): RegExp | undefined {
  const flags = GO_FLAGS.exec(expr);
  try {
    return flags ? new RegExp(expr.slice(flags[0].length), flags[1]) : new RegExp(expr);
  } catch {
    return undefined;
  }
}
