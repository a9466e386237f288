import type { Route, Target } from './route.js';

/**
 * The order in which a request tries the route's targets. `ordered`: as listed. `weighted`: a weighted random
 * order without replacement (each next target is drawn among the remaining ones in proportion to its weight), so
 * traffic is shared by weight and the other targets still serve as fallbacks. Targets of weight 0 are never
 * drawn first; they follow, as listed.
 * @example orderTargets(route, () => random.fraction()) // [openai/gpt-4o-mini, azure/gpt-4o-mini]
 */
export function orderTargets(route: Pick<Route, 'strategy' | 'targets'>, fraction: () => number): Target[] {
  if (route.strategy === 'ordered') return [...route.targets];
  const remaining = route.targets.filter((target) => target.weight > 0);
  const unweighted = route.targets.filter((target) => !(target.weight > 0));
  const ordered: Target[] = [];
  while (remaining.length > 0) {
    const total = remaining.reduce((sum, target) => sum + target.weight, 0);
    let point = fraction() * total;
    let chosen = remaining.length - 1;
    for (const [index, target] of remaining.entries()) {
      point -= target.weight;
      if (point < 0) {
        chosen = index;
        break;
      }
    }
    ordered.push(...remaining.splice(chosen, 1));
  }
  return [...ordered, ...unweighted];
}
