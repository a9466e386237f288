import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SlipwayError } from '../../core/errors.js';
import { EXPORT_FORMATS } from '../../services/export-interactions.js';
import { parseInteractionQuery } from '../admin-schemas.js';
import type { HttpDeps } from '../http-deps.js';
import { auditActorOf, type RequireActor, scopedProject } from '../request-actor.js';

const retentionBody = z.strictObject({
  retentionDays: z.int().min(1).max(36_500).nullable(),
});
const erasureBody = z.strictObject({ endUser: z.string().min(1).max(1_000) });
const erasuresQuery = z.strictObject({ user: z.string().min(1).max(1_000).optional() });
const exportFormat = z.strictObject({
  format: z.enum(EXPORT_FORMATS, { error: 'expected "jsonl" or "csv"' }).default('jsonl'),
});

const CONTENT_TYPES = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
} as const;

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

/** Pulls the first chunk before answering, so that a failing first read is an error response, not a cut file. */
async function startStream(chunks: AsyncIterable<string>): Promise<Readable> {
  const iterator = chunks[Symbol.asyncIterator]();
  const first = await iterator.next();
  async function* all(): AsyncGenerator<string> {
    try {
      if (first.done) return;
      yield first.value;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    } finally {
      // The client went away: stop paging through the store.
      await iterator.return?.();
    }
  }
  return Readable.from(all());
}

/**
 * Retention, erasure and export of the interaction log (README "Retention, erasure and export"). Erasures and
 * retention changes are audited without the end-user id, which must not outlive its erasure anywhere.
 */
export function registerLogDataRoutes(
  app: FastifyInstance,
  deps: HttpDeps,
  requireActor: RequireActor,
): void {
  app.patch<{ Params: { id: string } }>('/api/projects/:id', async (request) => {
    const actor = await requireActor(request, 'manage');
    const { retentionDays } = parse(retentionBody, request.body, 'project');
    const project = await deps.logData.setProjectRetention(request.params.id, retentionDays);
    await deps.people.recordAudit({
      actor: auditActorOf(actor),
      action: 'project.retention_change',
      target: project.id,
      detail: { retentionDays },
    });
    return project;
  });

  app.post('/api/erasures', async (request, reply) => {
    const actor = await requireActor(request, 'manage');
    const { endUser } = parse(erasureBody, request.body, 'erasure');
    const erasure = await deps.logData.eraseEndUser({ endUser, requestedBy: `${actor.kind}:${actor.id}` });
    await deps.people.recordAudit({
      actor: auditActorOf(actor),
      action: 'erasure.create',
      target: erasure.id,
      detail: {
        subjectHash: erasure.subjectHash,
        interactionsDeleted: erasure.interactionsDeleted,
        attemptsDeleted: erasure.attemptsDeleted,
      },
    });
    return reply.code(201).send(erasure);
  });

  app.get('/api/erasures', async (request) => {
    await requireActor(request, 'manage');
    const { user } = parse(erasuresQuery, request.query, 'query');
    return { data: await deps.logData.listErasures(user === undefined ? {} : { endUser: user }) };
  });

  // A static path: the router prefers it to `/api/interactions/:id` whatever the registration order.
  app.get<{ Querystring: Record<string, unknown> }>('/api/interactions/export', async (request, reply) => {
    const actor = await requireActor(request, 'read');
    const { format: formatText, cursor: _cursor, limit: _limit, ...filters } = request.query;
    const { format } = parse(exportFormat, { format: formatText }, 'query');
    const { cursor: _ignored, limit: _pageSize, ...query } = parseInteractionQuery(filters);
    const project = scopedProject(actor, query.projectId);
    if (project !== undefined) query.projectId = project;
    const stream = await startStream(deps.logData.exportInteractions({ query, format }));
    stream.on('error', (error) => deps.logError('interaction export failed while streaming', error));
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    return reply
      .header('content-type', CONTENT_TYPES[format])
      .header('content-disposition', `attachment; filename="slipway-interactions-${stamp}.${format}"`)
      .header('cache-control', 'no-store')
      .send(stream);
  });
}
