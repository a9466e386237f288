import type { FastifyRequest } from 'fastify';
import { type Actor, actorOfCaller } from '../core/identity.js';
import { type Permission, authorize } from '../services/authenticate-caller.js';
import { bearerTokenOf } from './bearer-token.js';
import type { HttpDeps } from './http-deps.js';

/** Resolves who calls an admin endpoint and checks that their role grants `permission`; throws otherwise. */
export type RequireActor = (request: FastifyRequest, permission: Permission) => Promise<Actor>;

/**
 * The one place the admin API learns who is calling. Every admin route calls it first, so that no route can
 * forget the role check.
 * @example const actor = await requireActor(request, 'manage');
 */
export function makeRequireActor(deps: Pick<HttpDeps, 'authenticate'>): RequireActor {
  return async (request, permission) => {
    const actor = actorOfCaller(await deps.authenticate(bearerTokenOf(request.headers)));
    authorize(actor, permission);
    return actor;
  };
}

/** The project an actor's listing is limited to: its own scope, else the one asked for (admins only). */
export function scopedProject(actor: Actor, requested: string | undefined): string | undefined {
  return actor.projectScope ?? requested;
}
