import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isDocumentId } from '../../core/documents/document-id.js';
import { SlipwayError } from '../../core/errors.js';
import type { IngestionActor } from '../../ports/document-catalog.js';
import type { UploadedDocument } from '../../services/start-ingestion.js';
import { documentViewOf } from '../document-views.js';
import {
  parseCreateCollectionBody,
  parseDocumentListQuery,
  parseSetAccessBody,
} from '../document-schemas.js';
import type { HttpDeps } from '../http-deps.js';
import type { RequestActor, RequireActor } from '../request-actor.js';

interface CollectionParams {
  name: string;
}
interface DocumentParams extends CollectionParams {
  id: string;
}

const MAX_FILES = 1_000;

const ingestionActorOf = (actor: RequestActor): IngestionActor => ({
  kind: actor.kind,
  id: actor.id,
  role: actor.role,
  label: actor.label,
});

function documentIdParam(id: string): string {
  if (!isDocumentId(id)) throw new SlipwayError('not_found', `No document "${id}".`);
  return id;
}

/** The upload form: files (field `file`, repeatable; the file name may be a relative path), `allow`, `classification`. */
async function readDocumentForm(request: FastifyRequest, maxBytes: number) {
  if (!request.isMultipart()) {
    throw new SlipwayError(
      'invalid_request',
      'Send the documents as multipart/form-data with fields file (repeatable), allow (repeatable) and classification.',
    );
  }
  const files: UploadedDocument[] = [];
  const allow: string[] = [];
  let classification: string | null = null;
  let bytes = 0;
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      const content = await part.toBuffer();
      if (part.fieldname !== 'file') {
        throw new SlipwayError('invalid_request', 'Send documents in fields named file.', { param: 'file' });
      }
      bytes += content.length;
      // Checked as the files arrive, so that an oversized upload is refused before it is all in memory.
      if (bytes > maxBytes) {
        throw new SlipwayError(
          'payload_too_large',
          `The upload holds more than ${maxBytes} bytes (retrieval.maxUploadBytes).`,
        );
      }
      files.push({ name: part.filename, mediaType: part.mimetype, content: new Uint8Array(content) });
    } else if (typeof part.value === 'string') {
      if (part.fieldname === 'allow') allow.push(part.value);
      else if (part.fieldname === 'classification' && part.value !== '') classification = part.value;
    }
  }
  return { files, allow, classification };
}

/**
 * Documents: `/api/collections` (create: manage; list, get: read), `/api/collections/{name}/documents` (list:
 * read; upload: manage, answering with the ingestion run), `DELETE …/{id}` and `PUT …/{id}/access` (manage), and
 * `GET /api/ingestion-runs/{id}` (read) for progress.
 */
export function registerDocumentRoutes(
  app: FastifyInstance,
  deps: HttpDeps,
  requireActor: RequireActor,
): void {
  const api = deps.retrieval;

  app.get('/api/collections', async (request) => {
    await requireActor(request, 'read');
    return { data: await api.collections.list() };
  });

  app.post('/api/collections', async (request, reply) => {
    const actor = await requireActor(request, 'manage');
    const body = parseCreateCollectionBody(request.body);
    return reply.code(201).send(await api.collections.create(body, ingestionActorOf(actor)));
  });

  app.get<{ Params: CollectionParams }>('/api/collections/:name', async (request) => {
    await requireActor(request, 'read');
    return api.collections.get(request.params.name);
  });

  app.get<{ Params: CollectionParams }>('/api/collections/:name/documents', async (request) => {
    await requireActor(request, 'read');
    const query = parseDocumentListQuery(request.query);
    const documents = await api.documents.list({ collection: request.params.name, ...query });
    return { data: documents.map(documentViewOf) };
  });

  // In a plugin of its own, so that multipart parsing applies to the upload route only.
  void app.register(async (scope) => {
    await scope.register(fastifyMultipart, {
      limits: { fileSize: api.maxUploadBytes, files: MAX_FILES, fields: 100, parts: MAX_FILES + 100 },
      // Files of a folder are uploaded as relative paths, which name their documents.
      preservePath: true,
      throwFileSizeLimit: true,
    });

    scope.post<{ Params: CollectionParams }>('/api/collections/:name/documents', async (request, reply) => {
      const actor = await requireActor(request, 'manage');
      const form = await readDocumentForm(request, api.maxUploadBytes);
      const run = await api.startIngestion({
        collection: request.params.name,
        ...form,
        actor: ingestionActorOf(actor),
      });
      return reply.code(202).send(run);
    });
  });

  app.delete<{ Params: DocumentParams }>('/api/collections/:name/documents/:id', async (request) => {
    const actor = await requireActor(request, 'manage');
    const documentId = documentIdParam(request.params.id);
    await api.documents.remove({
      collection: request.params.name,
      documentId,
      actor: ingestionActorOf(actor),
    });
    return { id: documentId, deleted: true };
  });

  app.put<{ Params: DocumentParams }>('/api/collections/:name/documents/:id/access', async (request) => {
    const actor = await requireActor(request, 'manage');
    const body = parseSetAccessBody(request.body);
    const documentId = documentIdParam(request.params.id);
    const rule = await api.setDocumentAccess({
      collection: request.params.name,
      documentId,
      ...body,
      actor: ingestionActorOf(actor),
    });
    return { id: documentId, allow: body.allow, classification: rule.classification };
  });

  app.get<{ Params: { id: string } }>('/api/ingestion-runs/:id', async (request) => {
    await requireActor(request, 'read');
    return api.documents.getRun(request.params.id);
  });
}
