import { SlipwayError } from '../core/errors.js';
import type { Caller } from '../core/identity.js';
import type { ApiKeyStore } from '../ports/api-key-store.js';
import type { Clock } from '../ports/clock.js';
import type { ProjectStore } from '../ports/project-store.js';
import type { PromptActor } from './prompt-actor.js';

/**
 * The project a signed-in person's test calls are charged to. Same name as the project manage-api-keys creates at
 * the first start (keys made without a project go there too).
 */
const DEFAULT_PROJECT_NAME = 'default';

/** Who the gateway sees making the model calls of a prompt test run (or of a promotion's fresh run). */
export type PromptTestCaller = (actor: PromptActor) => Promise<Caller>;

/**
 * Maps whoever asked for a test run to the gateway caller its model calls run as, so that they are limited,
 * priced and logged like that caller's own calls. An API key is itself: its project, role, allowed models and
 * limits. A person signed in to the dashboard holds no key, so their calls run as the service identity
 * `user:<their id>` in the `default` project: their role, every model, the per-key limits from configuration,
 * and the project's limits; the interaction log shows that key id. Throws `unauthorized` when the key has been
 * revoked or has expired since the request was authenticated.
 * @example const caller = await testCallerOf(actor); await runPromptTests({ version, actor, caller });
 */
export function makePromptTestCaller(deps: {
  keys: Pick<ApiKeyStore, 'getApiKey'>;
  projects: Pick<ProjectStore, 'findProjectByName'>;
  clock: Clock;
}): PromptTestCaller {
  return async (actor) => {
    if (actor.kind === 'api_key') {
      const key = await deps.keys.getApiKey(actor.id);
      if (
        key === null ||
        key.revokedAt !== null ||
        (key.expiresAt !== null && key.expiresAt <= deps.clock.now())
      ) {
        throw new SlipwayError('unauthorized', 'This API key has been revoked or has expired.');
      }
      return {
        keyId: key.id,
        projectId: key.projectId,
        role: key.role,
        allowedModels: key.allowedModels,
        limits: key.limits,
      };
    }
    const project = await deps.projects.findProjectByName(DEFAULT_PROJECT_NAME);
    if (project === null) {
      // The server creates it before it listens (ensureBootstrapAdmin); its absence is a broken database.
      throw new SlipwayError('internal_error', `The "${DEFAULT_PROJECT_NAME}" project is missing`);
    }
    return {
      keyId: `user:${actor.id}`,
      projectId: project.id,
      role: actor.role,
      allowedModels: null,
      limits: {},
    };
  };
}
