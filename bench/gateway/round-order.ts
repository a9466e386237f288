/**
 * The order targets are measured in during `round`: rotated by one each round, so that none always runs first
 * (on a cold cache) or right after the same neighbour. Interleaved rounds keep slow drift on the machine from
 * being blamed on one target.
 */
export function roundOrder<Item>(items: readonly Item[], round: number): Item[] {
  const shift = items.length === 0 ? 0 : round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
