import { z } from 'zod';
import { SlipwayError } from '../core/errors.js';
import { ROLES } from '../core/identity.js';
import type { InteractionQuery } from '../ports/interaction-store.js';

const limitPolicy = z.strictObject({
  requestsPerMinute: z.number().int().positive().optional(),
  tokensPerMinute: z.number().int().positive().optional(),
  spendPerDayUsd: z.number().positive().optional(),
  spendPerMonthUsd: z.number().positive().optional(),
});

const createKeyBody = z.strictObject({
  name: z.string().min(1).max(200),
  project: z.string().min(1).optional(),
  role: z.enum(ROLES).default('app'),
  expiresInDays: z.number().positive().max(36_500).optional(),
  allowedModels: z.array(z.string().min(1)).min(1).nullable().optional(),
  limits: limitPolicy.optional(),
  actAsEndUser: z.boolean().optional(),
});

const createProjectBody = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\w.-]+$/),
});

const integerText = z
  .string()
  .regex(/^\d+$/)
  .transform((text) => Number(text));

const decimalText = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'Expected a non-negative decimal number')
  .transform((text) => Number(text))
  .pipe(z.number().finite());

// The widest values the columns compared with can hold (BIGINT times, INTEGER latencies on PostgreSQL), so that
// an absurd bound is a 400 rather than a database error.
const timeText = integerText.pipe(z.number().max(Number.MAX_SAFE_INTEGER));
const latencyText = integerText.pipe(z.number().max(2_147_483_647));

const interactionQuery = z.strictObject({
  project: z.string().optional(),
  key: z.string().optional(),
  model: z.string().optional(),
  target: z.string().optional(),
  status: z.enum(['success', 'error', 'incomplete']).optional(),
  user: z.string().optional(),
  since: timeText.optional(),
  until: timeText.optional(),
  cursor: z.string().optional(),
  limit: integerText.pipe(z.number().int().min(1).max(500)).optional(),
  // Bounded so that a pasted document cannot become a query of thousands of terms.
  q: z.string().max(1_000).optional(),
  prompt: z.string().optional(),
  min_cost: decimalText.optional(),
  max_cost: decimalText.optional(),
  min_latency: latencyText.optional(),
  max_latency: latencyText.optional(),
  sort: z.enum(['recent', 'cost', 'latency']).optional(),
});

function parse<Schema extends z.ZodType>(schema: Schema, value: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue?.path.map(String).join('.') || undefined;
  throw new SlipwayError(
    'invalid_request',
    `Invalid ${what}${param ? ` at '${param}'` : ''}: ${issue?.message}`,
    {
      ...(param ? { param } : {}),
    },
  );
}

export const parseCreateKeyBody = (body: unknown) => parse(createKeyBody, body, 'key');
export const parseCreateProjectBody = (body: unknown) => parse(createProjectBody, body, 'project');

/** Query string of `GET /api/interactions` → store query (project scoping is applied by the route). */
export function parseInteractionQuery(query: unknown): InteractionQuery {
  const parsed = parse(interactionQuery, query, 'query');
  const result: InteractionQuery = { limit: parsed.limit ?? 50 };
  if (parsed.project !== undefined) result.projectId = parsed.project;
  if (parsed.key !== undefined) result.apiKeyId = parsed.key;
  if (parsed.model !== undefined) result.modelRequested = parsed.model;
  if (parsed.target !== undefined) result.target = parsed.target;
  if (parsed.status !== undefined) result.status = parsed.status;
  if (parsed.user !== undefined) result.endUser = parsed.user;
  if (parsed.since !== undefined) result.since = parsed.since;
  if (parsed.until !== undefined) result.until = parsed.until;
  if (parsed.cursor !== undefined) result.cursor = parsed.cursor;
  if (parsed.q !== undefined) result.text = parsed.q;
  if (parsed.prompt !== undefined) result.promptName = parsed.prompt;
  if (parsed.min_cost !== undefined) result.minCostUsd = parsed.min_cost;
  if (parsed.max_cost !== undefined) result.maxCostUsd = parsed.max_cost;
  if (parsed.min_latency !== undefined) result.minLatencyMs = parsed.min_latency;
  if (parsed.max_latency !== undefined) result.maxLatencyMs = parsed.max_latency;
  if (parsed.sort !== undefined) result.sort = parsed.sort;
  return result;
}
