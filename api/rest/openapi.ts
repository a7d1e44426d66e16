import { z } from 'zod';
import type { ErrorCode } from '../../core/errors.ts';
import { HTTP_STATUS } from '../problem.ts';
import { ERROR_DESCRIPTIONS } from './error-docs.ts';
import type { AnyRoute } from './route.ts';
import { Problem } from './schemas.ts';

type JsonSchema = Record<string, unknown>;

const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
};

/** Path or query parameters from a zod object, one per field. */
function parameters(where: 'path' | 'query', schema: z.ZodType | undefined): JsonSchema[] {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => ({
    name,
    in: where,
    required: where === 'path' || !field.safeParse(undefined).success,
    schema: schemaOf(field, 'input'),
  }));
}

/** Failures every authenticated route may answer with, besides its own. */
const COMMON_ERRORS: ErrorCode[] = ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'INSUFFICIENT_SCOPE', 'RATE_LIMITED'];

function problemResponses(codes: readonly ErrorCode[]): Record<string, JsonSchema> {
  const byStatus = new Map<number, Set<string>>();
  for (const code of codes) {
    const status = HTTP_STATUS[code];
    byStatus.set(status, (byStatus.get(status) ?? new Set()).add(code));
  }
  const responses: Record<string, JsonSchema> = {};
  for (const [status, set] of [...byStatus].sort(([a], [b]) => a - b)) {
    const list = [...set].sort();
    responses[String(status)] = {
      description: list.map((code) => `\`${code}\`: ${ERROR_DESCRIPTIONS[code as ErrorCode]}`).join('\n\n'),
      content: {
        'application/problem+json': {
          schema: {
            allOf: [{ $ref: '#/components/schemas/Problem' }, { properties: { code: { enum: list } } }],
          },
        },
      },
    };
  }
  return responses;
}

/** The server-sent events stream (api/notifications/sse.ts): not a JSON route, documented by hand. */
const EVENTS_OPERATION: JsonSchema = {
  operationId: 'streamEvents',
  summary: 'Your notifications as server-sent events',
  description:
    'Frames are `id: <event id>`, `event: <type>` (HoldCreated, HoldReleased, MemberJoined, …) and `data:` the event as JSON with `mine: true` when it is about you: your holds and transfers, and the other events of the pools you belong to. Send `Last-Event-ID` (or `?lastEventId=`) to replay what you missed (up to 500). At most 5 streams per person; a `: ping` comment every 15 s.',
  tags: ['me'],
  'x-scope': 'read',
  security: [{ bearer: ['read'] }],
  parameters: [
    { name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string', pattern: '^[0-9]{1,19}$' } },
    { name: 'lastEventId', in: 'query', required: false, schema: { type: 'string', pattern: '^[0-9]{1,19}$' } },
  ],
  responses: {
    '200': {
      description: 'An endless text/event-stream.',
      content: { 'text/event-stream': { schema: { type: 'string' } } },
    },
    ...problemResponses(['UNAUTHENTICATED', 'RATE_LIMITED']),
  },
};

/** The OpenAPI 3.1 document, generated from the same route definitions and zod schemas that validate requests. */
export function buildOpenApi(routes: AnyRoute[], info: { version: string; serverUrl?: string }): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = `/api/v1${route.path}`;
    const errors = route.auth === 'none' ? [...route.errors] : [...new Set([...COMMON_ERRORS, ...route.errors])];
    if (route.idempotency) errors.push('IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_REQUEST_IN_PROGRESS');
    if (route.idempotency === 'required') errors.push('IDEMPOTENCY_KEY_REQUIRED');
    const operation: JsonSchema = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: route.tags,
      'x-scope': route.auth,
      ...(route.idempotency ? { 'x-idempotency': route.idempotency } : {}),
      security: route.auth === 'none' ? [] : [{ bearer: [route.auth] }],
      parameters: [
        ...parameters('path', route.params),
        ...parameters('query', route.query),
        ...(route.idempotency
          ? [
              {
                name: 'Idempotency-Key',
                in: 'header',
                required: route.idempotency === 'required',
                description:
                  'Unique per operation (1..200 visible ASCII). The same key and body replay the first answer; another body gets 409 IDEMPOTENCY_KEY_REUSED.',
                schema: { type: 'string', minLength: 1, maxLength: 200 },
              },
            ]
          : []),
      ],
      ...(route.body
        ? {
            requestBody: {
              required: !route.body.safeParse(undefined).success,
              content: { 'application/json': { schema: schemaOf(route.body, 'input') } },
            },
          }
        : {}),
      responses: {
        [String(route.response.status)]: {
          description: route.response.description,
          content: { 'application/json': { schema: schemaOf(route.response.schema, 'output') } },
        },
        ...problemResponses([...new Set(errors)]),
      },
    };
    paths[path] = { ...paths[path], [route.method]: operation };
  }
  paths['/api/v1/events'] = { get: EVENTS_OPERATION };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Power Realms REST API',
      version: info.version,
      description:
        'Pools of computers with a double-entry ledger. Amounts are decimal strings of integer micros ("1500000" = 1.5 units). Errors are application/problem+json with a stable `code`.',
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    paths,
    components: {
      schemas: { Problem: schemaOf(Problem, 'output') },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'A personal access token (`npx power-realms admin token`). Scopes nest: admin ⊇ write ⊇ read. The bots use a service credential with X-Acting-User or X-Acting-Identity.',
        },
      },
    },
  };
}
