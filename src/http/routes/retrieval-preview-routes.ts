import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SlipwayError } from '../../core/errors.js';
import type { HttpDeps } from '../http-deps.js';
import { auditActorOf, type RequireActor } from '../request-actor.js';

const previewBody = z.strictObject({
  collection: z.string().min(1).max(64),
  query: z.string().min(1).max(8_000),
  /** A directory end user; absent previews an anonymous request (public documents only). */
  end_user: z.string().min(1).max(256).optional(),
  k: z.int().min(1).max(50).default(10),
});

/**
 * `POST /api/retrieval/preview` (admins): "search as user X", exactly what that end user's search would return,
 * with the decision facts. The preview is itself a retrieval and is audited as one (surface `dashboard.preview`,
 * actor the admin), so reading documents this way leaves the same trail as any other.
 */
export function registerRetrievalPreviewRoutes(
  app: FastifyInstance,
  deps: HttpDeps,
  requireActor: RequireActor,
): void {
  app.post('/api/retrieval/preview', async (request) => {
    const actor = await requireActor(request, 'manage');
    const parsed = previewBody.safeParse(request.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const param = issue?.path.map(String).join('.') || undefined;
      throw new SlipwayError('invalid_request', `Invalid preview: ${issue?.message}`, param ? { param } : {});
    }
    const body = parsed.data;
    const principal = await deps.principals.resolvePrincipal({
      // The admin speaks for the named end user: only the directory says who they are.
      caller: { keyId: actor.id, actAsEndUser: true },
      endUserToken: null,
      namedEndUser: body.end_user ?? null,
    });
    const found = await deps.retrievalSurfaces.retrieve({
      collection: body.collection,
      query: body.query,
      k: body.k,
      principal,
      caller: await deps.retrievalSurfaces.callerOf({
        kind: actor.kind,
        id: actor.id,
        role: actor.role,
        label: actor.label,
      }),
      actor: auditActorOf(actor),
      surface: 'dashboard.preview',
      signal: AbortSignal.timeout(60_000),
    });
    return {
      principal: principal.principal,
      decision: found.decision,
      data: found.passages.map((passage) => ({
        document_id: passage.documentId,
        title: passage.title,
        source_name: passage.sourceName,
        chunk_index: passage.chunkIndex,
        score: passage.score,
        text: passage.text,
      })),
    };
  });
}
