/**
 * The CDEvents envelope (spec v0.4, https://cdevents.dev): a `context` naming the event and a
 * `subject` it is about. Flux validates bodies with the CDEvents Go SDK; no JavaScript SDK is
 * published, so this checks the envelope every event type shares (required fields, the type's
 * `dev.cdevents.<subject>.<predicate>.<version>` form, an RFC 3339 timestamp), not each type's
 * own content schema.
 *
 * @module
 */
import { z } from 'zod';

/** `dev.cdevents.<subject>.<predicate>.<semver>`, e.g. `dev.cdevents.change.merged.0.2.0`. */
export const CDEVENT_TYPE = /^dev\.cdevents\.[a-z]+\.[a-z]+\.\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/** A CDEvent as sent in structured JSON. Unknown fields are allowed, as the spec extends them. */
export const CDEventSchema = z.object({
  context: z.object({
    version: z.string().regex(/^\d+\.\d+\.\d+/, 'must be a spec version such as 0.4.1'),
    id: z.string().min(1),
    source: z.string().min(1),
    type: z.string().regex(CDEVENT_TYPE, 'must be dev.cdevents.<subject>.<predicate>.<version>'),
    timestamp: z.iso.datetime({ offset: true }),
  }),
  subject: z.object({
    id: z.string().min(1),
    source: z.string().optional(),
    type: z.string().optional(),
    content: z.record(z.string(), z.unknown()),
  }),
  customData: z.unknown().optional(),
  customDataContentType: z.string().optional(),
});
/** A CDEvent's envelope. */
export type CDEvent = z.infer<typeof CDEventSchema>;
