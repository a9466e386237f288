import type { Config } from '../config/config-schema.js';
import type { BreakerStore } from '../ports/breaker-store.js';
import type { Clock } from '../ports/clock.js';
import { InMemoryBreakerRegistry, type BreakerRegistry } from '../services/breaker-registry.js';
import { SharedBreakerRegistry } from '../services/shared-breaker-registry.js';

/**
 * The circuit breakers: in the store on PostgreSQL, where several API and worker processes share one
 * installation and must refuse a failing target together; in memory on SQLite, where one process owns the
 * database and a read per attempt would buy nothing (docs/decisions/2026-12-04-shared-breakers.md).
 * @example const breakers = composeBreakers(config, { store, clock });
 */
export function composeBreakers(
  config: Config,
  deps: { store: BreakerStore; clock: Clock },
): BreakerRegistry {
  return config.store.kind === 'postgres'
    ? new SharedBreakerRegistry({ store: deps.store, clock: deps.clock })
    : new InMemoryBreakerRegistry({ clock: deps.clock });
}
