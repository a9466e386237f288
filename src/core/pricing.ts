import type { Usage } from './chat.js';
import { targetName } from './route.js';
import type { ModelPrice, Target } from './route.js';

/** Prices by `providerId/model` or by upstream model name (the more specific key wins). */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * USD for the tokens of one call. An unknown price costs 0 (self-hosted and offline models are free to call).
 * @example computeCostUsd({ prompt_tokens: 1000, completion_tokens: 500 }, { inputPerMillion: 0.15, outputPerMillion: 0.6 }) // 0.00045
 */
export function computeCostUsd(
  usage: Pick<Usage, 'prompt_tokens' | 'completion_tokens'>,
  price: ModelPrice | undefined,
): number {
  if (price === undefined) return 0;
  return (
    (usage.prompt_tokens * price.inputPerMillion + usage.completion_tokens * price.outputPerMillion) /
    1_000_000
  );
}

/** The price of a target: by `providerId/model` first, then by model name; undefined when neither is listed. */
export function findPrice(
  prices: PriceTable,
  target: Pick<Target, 'providerId' | 'model'>,
): ModelPrice | undefined {
  return prices[targetName(target)] ?? prices[target.model];
}

/**
 * The highest input and the highest output price among targets (each taken separately), for reserving a budget
 * before it is known which target will serve. Unknown prices count as 0.
 */
export function highestPrice(prices: PriceTable, targets: readonly Target[]): ModelPrice {
  let inputPerMillion = 0;
  let outputPerMillion = 0;
  for (const target of targets) {
    const price = findPrice(prices, target);
    if (price === undefined) continue;
    inputPerMillion = Math.max(inputPerMillion, price.inputPerMillion);
    outputPerMillion = Math.max(outputPerMillion, price.outputPerMillion);
  }
  return { inputPerMillion, outputPerMillion };
}
