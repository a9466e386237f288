import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SlipwayError } from '../../core/errors.js';
import { bearerTokenOf } from '../bearer-token.js';
import type { HttpDeps } from '../http-deps.js';
import { toOpenAiError } from '../openai-error.js';
import type { PromptVersionView } from '../prompt-views.js';
import { parsePromptPath } from '../prompt-path.js';
import {
  parseDiffQuery,
  parseLabelQuery,
  parsePromoteBody,
  parsePushBody,
  parseRollbackBody,
  parseServingQuery,
  parseTestBody,
  parseVersionNumber,
  parseVersionQuery,
} from '../prompt-schemas.js';
import type { RequestActor, RequireActor } from '../request-actor.js';

type WildcardRequest = FastifyRequest<{ Params: { '*': string } }>;

/** The prompt as applications fetch it: what they need to render and call it, nothing about who pushed it. */
function servedVersion(version: PromptVersionView) {
  const { definition } = version;
  return {
    object: 'prompt.version',
    name: version.name,
    version: version.version,
    contentHash: version.contentHash,
    labels: version.labels,
    description: definition.description,
    model: definition.model,
    parameters: definition.parameters,
    messages: definition.messages,
    variables: definition.variables,
    createdAt: version.createdAt,
    source: version.source,
  };
}

/** True when an `If-None-Match` header names this entity tag (or `*`). */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

/**
 * Pushing, testing and moving labels change what is served: admins and developers may, viewers may not. Which
 * labels a developer may move is the service's decision (protected labels are admins' only).
 */
async function requireAuthor(requireActor: RequireActor, request: FastifyRequest): Promise<RequestActor> {
  const actor = await requireActor(request, 'read');
  if (actor.role !== 'admin' && actor.role !== 'developer') {
    throw new SlipwayError('forbidden', `The ${actor.role} role may not push, test or move prompt labels.`);
  }
  return actor;
}

function unknownEndpoint(request: FastifyRequest): SlipwayError {
  return new SlipwayError('not_found', `Unknown endpoint: ${request.method} ${request.url.split('?')[0]}`);
}

/**
 * Prompts as code over HTTP: `GET /v1/prompts/{name}` for applications (any key; ETag and 304), and the admin
 * API under `/api/prompts` (read for GETs; admins and developers for pushes, tests and label moves).
 */
export function registerPromptRoutes(app: FastifyInstance, deps: HttpDeps, requireActor: RequireActor): void {
  const prompts = deps.prompts;

  app.get('/v1/prompts/*', async (request: WildcardRequest, reply) => {
    await deps.authenticate(bearerTokenOf(request.headers));
    const query = parseServingQuery(request.query);
    const selector =
      query.version === undefined ? { label: query.label ?? 'production' } : { version: query.version };
    const version = await prompts.getVersion(request.params['*'], selector);
    const etag = `"${version.contentHash}"`;
    // A label moves, so a cached copy must be revalidated (cheaply, with the ETag); a numbered version never changes.
    const cacheControl = query.version === undefined ? 'no-cache' : 'private, max-age=31536000, immutable';
    reply.headers({ etag, 'cache-control': cacheControl });
    if (matchesEtag(request.headers['if-none-match'], etag)) return reply.code(304).send();
    return servedVersion(version);
  });

  app.get('/api/prompts', async (request) => {
    await requireActor(request, 'read');
    return { data: await prompts.list() };
  });

  app.post('/api/prompts/push', async (request) => {
    const actor = await requireAuthor(requireActor, request);
    const { files } = parsePushBody(request.body);
    return { data: await prompts.push(files, actor) };
  });

  app.get('/api/prompts/*', async (request: WildcardRequest) => {
    await requireActor(request, 'read');
    const path = parsePromptPath(request.params['*']);
    switch (path.kind) {
      case 'prompt': {
        const summary = (await prompts.list()).find((candidate) => candidate.name === path.name);
        if (summary === undefined) throw new SlipwayError('not_found', `No prompt named '${path.name}'.`);
        return summary;
      }
      case 'versions':
        return { data: await prompts.listVersions(path.name) };
      case 'version':
        return prompts.getVersion(path.name, { version: parseVersionNumber(path.version) });
      case 'diff': {
        const { from, to } = parseDiffQuery(request.query);
        return prompts.diff(path.name, from, to);
      }
      case 'test-runs': {
        const { version } = parseVersionQuery(request.query);
        return { data: await prompts.listTestRuns(path.name, version) };
      }
      case 'test-run':
        return prompts.getTestRun(path.name, path.id);
      case 'label-moves': {
        const { label } = parseLabelQuery(request.query);
        return { data: await prompts.listLabelMoves(path.name, label) };
      }
      case 'test':
      case 'promote':
      case 'rollback':
        throw unknownEndpoint(request);
    }
  });

  app.post('/api/prompts/*', async (request: WildcardRequest, reply: FastifyReply) => {
    const path = parsePromptPath(request.params['*']);
    switch (path.kind) {
      case 'test': {
        const actor = await requireAuthor(requireActor, request);
        const body = parseTestBody(request.body);
        return reply.code(201).send(await prompts.test(path.name, body, actor));
      }
      case 'promote': {
        const actor = await requireAuthor(requireActor, request);
        const body = parsePromoteBody(request.body);
        const outcome = await prompts.promote(
          path.name,
          {
            version: body.version,
            label: body.label,
            ...(body.override === undefined ? {} : { overrideReason: body.override.reason }),
          },
          actor,
        );
        if (outcome.status === 'promoted') return outcome;
        // A refusal is a conflict between the request and the version's test results; the body keeps OpenAI's
        // error shape and adds the run, so that clients can show the failing cases.
        const { status, body: error } = toOpenAiError(
          new SlipwayError('conflict', outcome.message, { param: 'version' }),
        );
        return reply.code(status).send({ ...error, testRun: outcome.testRun });
      }
      case 'rollback': {
        const actor = await requireAuthor(requireActor, request);
        const body = parseRollbackBody(request.body);
        return {
          move: await prompts.rollback(
            path.name,
            { label: body.label, ...(body.reason === undefined ? {} : { reason: body.reason }) },
            actor,
          ),
        };
      }
      case 'prompt':
      case 'versions':
      case 'version':
      case 'diff':
      case 'test-runs':
      case 'test-run':
      case 'label-moves':
        await requireActor(request, 'read');
        throw unknownEndpoint(request);
    }
  });
}
