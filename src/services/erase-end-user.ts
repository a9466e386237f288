import { SlipwayError } from '../core/errors.js';
import type { Clock } from '../ports/clock.js';
import type { ErasureRecord, LogRetention } from '../ports/log-retention.js';
import type { Random } from '../ports/random.js';

export interface EraseEndUserDeps {
  store: Pick<LogRetention, 'eraseEndUser'>;
  clock: Clock;
  random: Random;
}

export interface EraseEndUserRequest {
  /** The end-user id as clients sent it in the `user` field. */
  endUser: string;
  /** Who asks, `<actor kind>:<actor id>`. */
  requestedBy: string;
}

/**
 * Erases everything stored about one end user (interactions, attempts, search-index entries, usage counters) and
 * records that it happened, under a keyed hash of the id. Erasing an end user with no data still records it.
 * Throws `invalid_request` for an empty id.
 *
 * @example const erasure = await eraseEndUser({ endUser: 'user-42', requestedBy: 'user:usr_1' });
 */
export function makeEraseEndUser(
  deps: EraseEndUserDeps,
): (request: EraseEndUserRequest) => Promise<ErasureRecord> {
  return (request) => {
    if (request.endUser.length === 0) {
      return Promise.reject(
        new SlipwayError('invalid_request', 'The end-user id is empty', { param: 'endUser' }),
      );
    }
    return deps.store.eraseEndUser({
      endUser: request.endUser,
      erasure: { id: deps.random.id('era'), at: deps.clock.now(), requestedBy: request.requestedBy },
    });
  };
}
