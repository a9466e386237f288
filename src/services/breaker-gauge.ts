import type { BreakerStateName } from '../core/circuit-breaker.js';
import type { GaugeSource } from '../ports/metrics.js';
import type { BreakerRegistry } from './breaker-registry.js';

const STATE_VALUE: Record<BreakerStateName, number> = { closed: 0, half_open: 1, open: 2 };

/**
 * The `slipway_breaker_state` gauge: 0 closed, 1 half-open, 2 open, per target.
 * @example metrics.registerGauge(breakerStateGauge(breakers));
 */
export function breakerStateGauge(registry: BreakerRegistry): GaugeSource {
  return {
    name: 'slipway_breaker_state',
    help: 'Circuit breaker state per target: 0 closed, 1 half-open, 2 open.',
    labelNames: ['target'],
    collect: () =>
      registry
        .snapshot()
        .map((entry) => ({ labels: { target: entry.target }, value: STATE_VALUE[entry.state] })),
  };
}
