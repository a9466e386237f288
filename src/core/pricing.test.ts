import { describe, expect, it } from 'vitest';
import { computeCostUsd, findPrice, highestPrice } from './pricing.js';

describe('pricing', () => {
  it('prices input and output tokens per million', () => {
    expect(
      computeCostUsd(
        { prompt_tokens: 1000, completion_tokens: 500 },
        { inputPerMillion: 0.15, outputPerMillion: 0.6 },
      ),
    ).toBeCloseTo(0.00045, 12);
  });

  it('costs nothing for an unknown price', () => {
    expect(computeCostUsd({ prompt_tokens: 1000, completion_tokens: 500 }, undefined)).toBe(0);
  });

  it('finds a price by target name first, then by model', () => {
    const prices = {
      'azure/gpt-4o': { inputPerMillion: 3, outputPerMillion: 9 },
      'gpt-4o': { inputPerMillion: 2.5, outputPerMillion: 10 },
    };
    expect(findPrice(prices, { providerId: 'azure', model: 'gpt-4o' })).toEqual({
      inputPerMillion: 3,
      outputPerMillion: 9,
    });
    expect(findPrice(prices, { providerId: 'openai', model: 'gpt-4o' })).toEqual({
      inputPerMillion: 2.5,
      outputPerMillion: 10,
    });
    expect(findPrice(prices, { providerId: 'openai', model: 'other' })).toBeUndefined();
  });

  it('takes the highest input and output price separately, unknown counting as 0', () => {
    const prices = {
      'a/x': { inputPerMillion: 3, outputPerMillion: 9 },
      'b/y': { inputPerMillion: 2.5, outputPerMillion: 10 },
    };
    const targets = [
      { providerId: 'a', model: 'x', weight: 1 },
      { providerId: 'b', model: 'y', weight: 1 },
      { providerId: 'c', model: 'z', weight: 1 },
    ];
    expect(highestPrice(prices, targets)).toEqual({ inputPerMillion: 3, outputPerMillion: 10 });
    expect(highestPrice(prices, [{ providerId: 'c', model: 'z', weight: 1 }])).toEqual({
      inputPerMillion: 0,
      outputPerMillion: 0,
    });
  });
});
