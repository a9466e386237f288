import { Readable } from 'node:stream';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isDocumentFilePurpose } from '../../core/documents/document-file-purpose.js';
import { SlipwayError } from '../../core/errors.js';
import { authorize } from '../../services/authenticate-caller.js';
import { fileObjectOf, listObjectOf } from '../batch-views.js';
import { parseFileListQuery } from '../batch-schemas.js';
import { bearerTokenOf } from '../bearer-token.js';
import type { HttpDeps } from '../http-deps.js';

interface FileParams {
  id: string;
}

/** The parts of an upload form: the file's bytes and name, and the `purpose` field, in whatever order sent. */
async function readUploadForm(request: FastifyRequest) {
  if (!request.isMultipart()) {
    throw new SlipwayError(
      'invalid_request',
      'Send the file as multipart/form-data with fields file and purpose.',
    );
  }
  let file: { filename: string; content: Buffer } | undefined;
  let purpose: string | undefined;
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      if (part.fieldname !== 'file' || file !== undefined) {
        // Drained, so that the rest of the form can still be read.
        await part.toBuffer();
        throw new SlipwayError('invalid_request', 'Send exactly one file, in the field named file.', {
          param: 'file',
        });
      }
      file = { filename: part.filename, content: await part.toBuffer() };
    } else if (part.fieldname === 'purpose' && typeof part.value === 'string') {
      purpose = part.value;
    }
  }
  if (file === undefined)
    throw new SlipwayError('invalid_request', 'The form has no file field.', { param: 'file' });
  if (purpose === undefined) {
    throw new SlipwayError('invalid_request', 'The form has no purpose field.', { param: 'purpose' });
  }
  return { ...file, purpose };
}

/**
 * OpenAI's `/v1/files`, for batch input files and the output and error files batches write, and for documents
 * (purposes `assistants` and `user_data`, kept as bytes, for vector stores).
 */
export function registerFileRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { files } = deps.batching;
  const documentFiles = deps.vectorStoreFiles.files;
  const callerOf = async (request: FastifyRequest) => {
    const caller = await deps.authenticate(bearerTokenOf(request.headers));
    authorize(caller, 'gateway');
    return caller;
  };

  // In a plugin of their own, so that multipart parsing applies to the upload route's neighbours only.
  void app.register(async (scope) => {
    await scope.register(fastifyMultipart, {
      // The purpose may follow the file in the form: the larger limit here, each purpose's own in its service.
      limits: {
        fileSize: Math.max(files.limits.maxFileBytes, documentFiles.maxFileBytes),
        files: 1,
        fields: 10,
        parts: 12,
      },
      throwFileSizeLimit: true,
    });

    scope.post('/v1/files', async (request) => {
      const caller = await callerOf(request);
      const form = await readUploadForm(request);
      if (isDocumentFilePurpose(form.purpose)) {
        const { purpose } = form;
        return fileObjectOf(
          await documentFiles.upload({ caller, filename: form.filename, purpose, content: form.content }),
        );
      }
      const file = await files.uploadFile({
        caller,
        filename: form.filename,
        purpose: form.purpose,
        content: form.content,
      });
      return fileObjectOf(file);
    });
  });

  app.get('/v1/files', async (request) => {
    const caller = await callerOf(request);
    const query = parseFileListQuery(request.query);
    const page = await files.listFiles(caller, query);
    return listObjectOf(page.data.map(fileObjectOf), page.hasMore);
  });

  app.get<{ Params: FileParams }>('/v1/files/:id', async (request) => {
    const caller = await callerOf(request);
    return fileObjectOf(await files.getFile(caller, request.params.id));
  });

  app.get<{ Params: FileParams }>('/v1/files/:id/content', async (request, reply) => {
    const caller = await callerOf(request);
    const stored = await files.getFile(caller, request.params.id);
    if (isDocumentFilePurpose(stored.purpose)) {
      return reply
        .type('application/octet-stream')
        .send(Buffer.from(await documentFiles.readContent(stored)));
    }
    const { content } = await files.openFileContent(caller, request.params.id);
    return reply.type('application/octet-stream').send(Readable.from(content));
  });

  app.delete<{ Params: FileParams }>('/v1/files/:id', async (request) => {
    const caller = await callerOf(request);
    const stored = await files.getFile(caller, request.params.id);
    const deleted = isDocumentFilePurpose(stored.purpose)
      ? await documentFiles.remove(caller, stored)
      : await files.deleteFile(caller, request.params.id);
    return { id: deleted.id, object: 'file' as const, deleted: deleted.deleted };
  });
}
