import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SlipwayError } from '../../core/errors.js';
import type { HttpDeps } from '../http-deps.js';
import { type RequireActor, scopedProject } from '../request-actor.js';

const timeText = z
  .string()
  .regex(/^\d{1,15}$/, 'expected a time in ms since the epoch')
  .transform((text) => Number(text));

const overviewQuery = z.strictObject({
  since: timeText.optional(),
  until: timeText.optional(),
  group_by: z.enum(['model', 'project', 'key']).default('model'),
  project: z.string().min(1).optional(),
});

function parseOverviewQuery(query: unknown): z.output<typeof overviewQuery> {
  const result = overviewQuery.safeParse(query ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue?.path.map(String).join('.') || undefined;
  throw new SlipwayError(
    'invalid_request',
    `Invalid query${param ? ` at '${param}'` : ''}: ${issue?.message ?? 'not understood'}`,
    param === undefined ? {} : { param },
  );
}

/**
 * The overview statistics (`GET /api/stats/overview`) and a key's usage against its limits
 * (`GET /api/keys/:id/usage`). Readers only; keys other than admin keys see their own project only.
 */
export function registerStatsRoutes(app: FastifyInstance, deps: HttpDeps, requireActor: RequireActor): void {
  app.get('/api/stats/overview', async (request) => {
    const actor = await requireActor(request, 'read');
    const query = parseOverviewQuery(request.query);
    const projectId = scopedProject(actor, query.project);
    return deps.overviewStats.overview({
      groupBy: query.group_by,
      ...(query.since === undefined ? {} : { since: query.since }),
      ...(query.until === undefined ? {} : { until: query.until }),
      ...(projectId === undefined ? {} : { projectId }),
    });
  });

  app.get<{ Params: { id: string } }>('/api/keys/:id/usage', async (request) => {
    const actor = await requireActor(request, 'read');
    return deps.keyUsage.keyUsage({ keyId: request.params.id, projectScope: actor.projectScope });
  });
}
