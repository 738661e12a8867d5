/**
 * The reconcile API's OpenAPI 3.1 document, generated from the zod schemas the routes validate
 * with (`z.toJSONSchema`), so the document cannot drift from the code. Served without
 * authentication at `GET /api/v1/openapi.json`: it describes the API, it grants nothing.
 *
 * @module
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { RECONCILE_API_PREFIX } from './api.js';
import {
  ApiErrorSchema,
  ObjectParamsSchema,
  ReconcileAcceptedSchema,
  ReconcileProgressSchema,
  ReconcileQuerySchema,
  ReconcileRequestStatusSchema,
  ReconcileResultSchema,
  StatusQuerySchema,
} from './api-schemas.js';

/** Where the document is served. */
export const OPENAPI_PATH = '/api/v1/openapi.json';

type JsonObject = Record<string, unknown>;

const COMPONENTS = {
  ReconcileResult: ReconcileResultSchema,
  ReconcileProgress: ReconcileProgressSchema,
  ReconcileAccepted: ReconcileAcceptedSchema,
  ReconcileRequestStatus: ReconcileRequestStatusSchema,
  Error: ApiErrorSchema,
} as const;

/** Component schemas, each referring to the others by `#/components/schemas/<name>`. */
function componentSchemas(): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}` });
  // `$schema` and `$id` belong to standalone JSON Schema documents, not to OpenAPI components.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...rest }]) => [id, rest as JsonObject])
  );
}

/** OpenAPI parameters of one location from a zod object's fields. */
function parameters(schema: z.ZodObject, location: 'path' | 'query'): JsonObject[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const json: JsonObject = z.toJSONSchema(field as z.ZodType, { io: 'input' });
    const { description } = json;
    delete json.$schema;
    delete json.description;
    return { name, in: location, required: location === 'path', description, schema: json };
  });
}

const ref = (name: keyof typeof COMPONENTS): JsonObject => ({ $ref: `#/components/schemas/${name}` });
const json = (description: string, name: keyof typeof COMPONENTS): JsonObject => ({
  description,
  content: { 'application/json': { schema: ref(name) } },
});

const ERRORS = {
  '400': json('Bad kind, name or query.', 'Error'),
  '401': json('No bearer token.', 'Error'),
  '403': json('Wrong bearer token.', 'Error'),
  '404': json('No reconcile workflow for the object (or no such request).', 'Error'),
  '503': json('The API token is not configured, or Temporal is unavailable.', 'Error'),
};

/** The OpenAPI document of the reconcile API. */
export function openApiDocument(): JsonObject {
  const path = `${RECONCILE_API_PREFIX}/{kind}/{namespace}/{name}`;
  const pathParams = parameters(ObjectParamsSchema, 'path');
  return {
    openapi: '3.1.0',
    info: {
      title: 'Ballast reconcile API',
      version: 'v1',
      description: 'Trigger reconciles of Flux objects and read their progress. Served by the Ballast controller.',
    },
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Key token of BALLAST_API_TOKEN_SECRET.' },
      },
    },
    security: [{ bearer: [] }],
    paths: {
      [path]: {
        post: {
          summary: 'Reconcile the object now',
          description:
            'Answers the result of the reconcile this request caused. Requests arriving before the next pass starts share it.',
          parameters: [...pathParams, ...parameters(ReconcileQuerySchema, 'query')],
          responses: {
            '200': json('The reconcile finished (check ready).', 'ReconcileResult'),
            '202': json('Accepted; poll the given path for the result.', 'ReconcileAccepted'),
            '409': json('The workflow refused the request.', 'Error'),
            ...ERRORS,
          },
        },
        get: {
          summary: 'Progress of the object, or of one request',
          parameters: [...pathParams, ...parameters(StatusQuerySchema, 'query')],
          responses: {
            '200': {
              description: 'Without update: the progress. With update: the request state.',
              content: {
                'application/json': { schema: { oneOf: [ref('ReconcileProgress'), ref('ReconcileRequestStatus')] } },
              },
            },
            ...ERRORS,
          },
        },
      },
    },
  };
}

/** Serves the document at {@link OPENAPI_PATH}. */
export const openApiRoute: FastifyPluginAsync = (app) => {
  const doc = openApiDocument();
  app.get(OPENAPI_PATH, () => doc);
  return Promise.resolve();
};
