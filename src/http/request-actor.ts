import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { SlipwayError } from '../core/errors.js';
import { type Actor, actorOfCaller } from '../core/identity.js';
import type { AuditActor } from '../ports/audit-log.js';
import type { SessionRecord } from '../ports/session-store.js';
import type { UserRecord } from '../ports/user-store.js';
import { type Permission, authorize } from '../services/authenticate-caller.js';
import { bearerTokenOf } from './bearer-token.js';
import type { HttpDeps } from './http-deps.js';

/** The cookie holding a signed-in person's session token. */
export const SESSION_COOKIE = 'slipway_session';
/** The header in which the dashboard sends back the session's CSRF token on unsafe requests. */
const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** An actor with a readable label for the audit log (a person's e-mail, an API key's id). */
export type RequestActor = Actor & { label: string };

/** Resolves who calls an admin endpoint and checks that their role grants `permission`; throws otherwise. */
export type RequireActor = (request: FastifyRequest, permission: Permission) => Promise<RequestActor>;

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The person signed in by the request's session cookie, or null when it carries none. Throws `unauthorized` for
 * a session that ended and `forbidden` when an unsafe method lacks the session's CSRF token: SameSite=Strict
 * already keeps other sites' requests from carrying the cookie, the token is the second lock.
 */
export async function requireSessionOf(
  request: FastifyRequest,
  deps: Pick<HttpDeps, 'people'>,
): Promise<{ user: UserRecord; session: SessionRecord } | null> {
  const token = request.cookies[SESSION_COOKIE];
  if (token === undefined || token === '') return null;
  const signedIn = await deps.people.signIn.authenticateSession(token);
  if (!SAFE_METHODS.has(request.method)) {
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !sameText(sent, signedIn.session.csrfToken)) {
      throw new SlipwayError(
        'forbidden',
        `Missing or wrong ${CSRF_HEADER} header: requests signed in by cookie must send the CSRF token from /api/auth/session.`,
      );
    }
  }
  return signedIn;
}

/** The audit log's view of an actor. */
export function auditActorOf(actor: RequestActor): AuditActor {
  return { kind: actor.kind, id: actor.id, label: actor.label };
}

/**
 * The one place the admin API learns who is calling. Every admin route calls it first, so that no route can
 * forget the role check. A request with credentials in headers is authenticated by its API key alone; otherwise
 * the session cookie names a person, whose role is read afresh on every request.
 * @example const actor = await requireActor(request, 'manage');
 */
export function makeRequireActor(deps: Pick<HttpDeps, 'authenticate' | 'people'>): RequireActor {
  async function actorOf(request: FastifyRequest): Promise<RequestActor> {
    const hasHeaderCredentials =
      request.headers.authorization !== undefined || request.headers['api-key'] !== undefined;
    const signedIn = hasHeaderCredentials ? null : await requireSessionOf(request, deps);
    if (signedIn === null) {
      const actor = actorOfCaller(await deps.authenticate(bearerTokenOf(request.headers)));
      return { ...actor, label: actor.id };
    }
    const { user } = signedIn;
    return { kind: 'user', id: user.id, role: user.role, projectScope: null, label: user.email };
  }

  return async (request, permission) => {
    const actor = await actorOf(request);
    authorize(actor, permission);
    return actor;
  };
}

/** The project an actor's listing is limited to: its own scope, else the one asked for (admins only). */
export function scopedProject(actor: Actor, requested: string | undefined): string | undefined {
  return actor.projectScope ?? requested;
}
