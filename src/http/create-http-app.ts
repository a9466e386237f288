import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { SlipwayError } from '../core/errors.js';
import type { HttpDeps } from './http-deps.js';
import { toOpenAiError } from './openai-error.js';
import { rateLimitHeadersOf } from './rate-limit-headers.js';
import { makeRequireActor } from './request-actor.js';
import { registerAdminRoutes } from './routes/admin-routes.js';
import { registerAuthRoutes } from './routes/auth-routes.js';
import { registerBatchRoutes } from './routes/batch-routes.js';
import { registerDashboardRoutes } from './routes/dashboard-routes.js';
import { registerDocumentRoutes } from './routes/document-routes.js';
import { registerFileRoutes } from './routes/file-routes.js';
import { registerGatewayRoutes } from './routes/gateway-routes.js';
import { registerLogDataRoutes } from './routes/log-data-routes.js';
import { registerOperationsRoutes } from './routes/operations-routes.js';
import { registerPrincipalRoutes } from './routes/principal-routes.js';
import { registerQueueRoutes } from './routes/queue-routes.js';
import { registerPromptRoutes } from './routes/prompt-routes.js';
import { registerStatsRoutes } from './routes/stats-routes.js';
import { registerUserRoutes } from './routes/user-routes.js';
import { registerVectorStoreRoutes } from './routes/vector-store-routes.js';
import { registerVectorStoreFileRoutes } from './routes/vector-store-file-routes.js';
import { registerRetrievalPreviewRoutes } from './routes/retrieval-preview-routes.js';

/** Fastify's own errors (body parsing, size, media type) expressed as Slipway errors. */
function fromFrameworkError(error: FastifyError): SlipwayError | null {
  if (error.statusCode === 413) {
    return new SlipwayError('payload_too_large', 'The request body is too large.', { cause: error });
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new SlipwayError('invalid_request', 'Send the body as application/json.', { cause: error });
  }
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return new SlipwayError('invalid_request', 'The request body is empty; send a JSON object.', {
      cause: error,
    });
  }
  if (error.statusCode === 400) {
    return new SlipwayError('invalid_request', 'The request body is not valid JSON.', { cause: error });
  }
  return null;
}

/** The one HTTP app: the OpenAI-compatible API, the admin API and the operations endpoints. */
export function createHttpApp(deps: HttpDeps): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: deps.bodyLimitBytes,
    trustProxy: typeof deps.trustProxy === 'object' ? [...deps.trustProxy] : deps.trustProxy,
    // Clients hold connections open across requests; a generous keep-alive spares TCP handshakes.
    keepAliveTimeout: 72_000,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 200 },
    // Errors the router raises before any route runs (bad percent-encoding, over-long parameters) would otherwise
    // answer in Fastify's own shape.
    frameworkErrors: (error, _request, reply) => {
      const { status, body } = toOpenAiError(
        new SlipwayError('invalid_request', `The request path is invalid (${error.message}).`, {
          cause: error,
        }),
      );
      return (reply as FastifyReply).code(status).send(body);
    },
  });

  app.setErrorHandler((thrown: FastifyError | SlipwayError, _request, reply) => {
    const translated = thrown instanceof SlipwayError ? thrown : (fromFrameworkError(thrown) ?? thrown);
    const { status, body, error } = toOpenAiError(translated);
    if (error.code === 'internal_error') deps.logError('request failed', thrown);
    deps.metrics.observeRejection(error.code);
    return reply.code(status).headers(rateLimitHeadersOf(error)).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    const { status, body } = toOpenAiError(
      new SlipwayError('not_found', `Unknown endpoint: ${request.method} ${request.url.split('?')[0]}`),
    );
    return reply.code(status).send(body);
  });

  // Parses the dashboard's session cookie; unsigned, because the token itself is the secret.
  void app.register(fastifyCookie);
  registerGatewayRoutes(app, deps);
  registerAdminRoutes(app, deps, makeRequireActor(deps));
  registerLogDataRoutes(app, deps, makeRequireActor(deps));
  registerAuthRoutes(app, deps);
  registerUserRoutes(app, deps, makeRequireActor(deps));
  registerStatsRoutes(app, deps, makeRequireActor(deps));
  registerPromptRoutes(app, deps, makeRequireActor(deps));
  registerQueueRoutes(app, deps, makeRequireActor(deps));
  registerFileRoutes(app, deps);
  registerBatchRoutes(app, deps, makeRequireActor(deps));
  registerDocumentRoutes(app, deps, makeRequireActor(deps));
  registerVectorStoreRoutes(app, deps);
  registerVectorStoreFileRoutes(app, deps);
  registerRetrievalPreviewRoutes(app, deps, makeRequireActor(deps));
  registerOperationsRoutes(app, deps);
  registerPrincipalRoutes(app, deps, makeRequireActor(deps));
  registerDashboardRoutes(app, { dashboardDir: deps.dashboardDir ?? null });
  return app;
}
