import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SlipwayError } from '../../core/errors.js';
import { toUserView } from '../../services/manage-users.js';
import type { HttpDeps } from '../http-deps.js';
import { parseLoginBody } from '../people-schemas.js';
import { requireSessionOf, SESSION_COOKIE } from '../request-actor.js';

/** HttpOnly keeps scripts from reading it; SameSite=Strict keeps other sites' requests from carrying it. */
function cookieOptions(request: FastifyRequest, deps: Pick<HttpDeps, 'people'>) {
  return {
    httpOnly: true,
    sameSite: 'strict' as const,
    path: '/',
    secure: deps.people.secureCookies || request.protocol === 'https',
  };
}

function clearSessionCookie(request: FastifyRequest, reply: FastifyReply, deps: Pick<HttpDeps, 'people'>) {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(request, deps));
}

/** Sign-in for people: `/api/auth/*`. The dashboard's only unauthenticated endpoints besides static files. */
export function registerAuthRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get('/api/auth/setup-status', async () => ({ hasUsers: await deps.people.users.hasUsers() }));

  app.post('/api/auth/login', async (request, reply) => {
    const { email, password } = parseLoginBody(request.body);
    const signedIn = await deps.people.signIn.signIn({ email, password, clientIp: request.ip });
    reply.setCookie(SESSION_COOKIE, signedIn.token, {
      ...cookieOptions(request, deps),
      maxAge: Math.floor(deps.people.sessionTtlMs / 1000),
    });
    return { user: signedIn.user, csrfToken: signedIn.csrfToken };
  });

  app.post('/api/auth/logout', async (request, reply) => {
    let signedIn: Awaited<ReturnType<typeof requireSessionOf>> = null;
    try {
      signedIn = await requireSessionOf(request, deps);
    } catch (error) {
      // A session that already ended is logged out already; a missing CSRF token is still refused.
      if (!(error instanceof SlipwayError && error.code === 'unauthorized')) throw error;
    }
    if (signedIn !== null) await deps.people.signIn.signOut(signedIn);
    clearSessionCookie(request, reply, deps);
    return reply.code(204).send();
  });

  app.get('/api/auth/session', async (request) => {
    const signedIn = await requireSessionOf(request, deps);
    if (signedIn === null) throw new SlipwayError('unauthorized', 'Not signed in.');
    return { user: toUserView(signedIn.user), csrfToken: signedIn.session.csrfToken };
  });
}
