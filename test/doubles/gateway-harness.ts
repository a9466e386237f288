import type { Caller } from '../../src/core/identity.js';
import type { GatewayLimits } from '../../src/core/limit-charges.js';
import type { PriceTable } from '../../src/core/pricing.js';
import type { Route } from '../../src/core/route.js';
import { InMemoryBreakerRegistry } from '../../src/services/breaker-registry.js';
import type { CompleteChatDeps } from '../../src/services/complete-chat.js';
import { RouteTable } from '../../src/services/route-table.js';
import { FakeModelProvider } from './fake-model-provider.js';
import { FakeTokenCounter } from './fake-token-counter.js';
import { InMemoryUsageLedger } from './in-memory-usage-ledger.js';
import { ManualClock } from './manual-clock.js';
import { RecordingInteractionSink } from './recording-interaction-sink.js';
import { RecordingSleep } from './recording-sleep.js';
import { SeededRandom } from './seeded-random.js';

export const CALLER: Caller = {
  keyId: 'key_1',
  projectId: 'p1',
  role: 'app',
  allowedModels: null,
  limits: {},
};

/**
 * A route `chat` over two fake providers (`primary`, `secondary`) with a context fallback (`big`), and an
 * `embed` route over `primary` and `secondary`; policies of a few milliseconds so that tests run fast.
 */
export function chatRoute(overrides: Partial<Route> = {}): Route {
  return {
    model: 'chat',
    kind: 'chat',
    strategy: 'ordered',
    targets: [
      { providerId: 'primary', model: 'p-model', weight: 1 },
      { providerId: 'secondary', model: 's-model', weight: 1 },
    ],
    contextFallbacks: [{ providerId: 'big', model: 'big-model', weight: 1 }],
    retry: { maxAttempts: 3, initialDelayMs: 4, maxDelayMs: 10, multiplier: 2, maxRetryAfterMs: 50 },
    timeouts: { firstTokenMs: 1_000, totalMs: 2_000 },
    breaker: { failureThreshold: 3, cooldownMs: 1_000 },
    ...overrides,
  };
}

export function embedRoute(overrides: Partial<Route> = {}): Route {
  return chatRoute({
    model: 'embed',
    kind: 'embeddings',
    targets: [
      { providerId: 'primary', model: 'p-embed', weight: 1 },
      { providerId: 'secondary', model: 's-embed', weight: 1 },
    ],
    contextFallbacks: [],
    ...overrides,
  });
}

export const PRICES: PriceTable = {
  'primary/p-model': { inputPerMillion: 1, outputPerMillion: 2 },
  'secondary/s-model': { inputPerMillion: 3, outputPerMillion: 1 },
  'primary/p-embed': { inputPerMillion: 0.5, outputPerMillion: 0 },
};

export const LIMITS: GatewayLimits = {
  perKey: {
    requestsPerMinute: 1_000,
    tokensPerMinute: 10_000_000,
    spendPerDayUsd: 100,
    spendPerMonthUsd: 1_000,
  },
  perProject: { requestsPerMinute: 1_000 },
  perEndUser: { requestsPerMinute: 1_000 },
};

/** Everything the gateway services need, as doubles, plus the doubles themselves for assertions. */
export function gatewayHarness(options: { routes?: Route[]; limits?: GatewayLimits } = {}) {
  const clock = new ManualClock();
  const primary = new FakeModelProvider('primary');
  const secondary = new FakeModelProvider('secondary');
  const big = new FakeModelProvider('big');
  const routeTable = new RouteTable({
    routes: options.routes ?? [chatRoute(), embedRoute()],
    providers: new Map([primary, secondary, big].map((provider) => [provider.id, provider])),
    clock,
  });
  const ledger = new InMemoryUsageLedger();
  const sink = new RecordingInteractionSink();
  const sleeper = new RecordingSleep(clock);
  const backgroundErrors: unknown[] = [];
  const deps: CompleteChatDeps = {
    routeTable,
    breakers: new InMemoryBreakerRegistry({ clock }),
    clock,
    random: new SeededRandom(7),
    tokenCounter: new FakeTokenCounter(),
    ledger,
    sink,
    prices: PRICES,
    limits: options.limits ?? LIMITS,
    defaultMaxOutputTokens: 100,
    sleep: sleeper.sleep,
    onBackgroundError: (error) => backgroundErrors.push(error),
  };
  return { deps, clock, primary, secondary, big, routeTable, ledger, sink, sleeper, backgroundErrors };
}
