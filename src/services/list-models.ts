import type { Caller } from '../core/identity.js';
import type { RouteTable } from './route-table.js';

/** One entry of `GET /v1/models`, as OpenAI shapes it, plus the route's description. */
export interface ModelEntry {
  id: string;
  object: 'model';
  /** Unix seconds: when the route table holding this model was loaded. */
  created: number;
  owned_by: 'slipway';
  description?: string;
}

/**
 * The models a caller may use: every route of the current table, narrowed to the caller's allowed models.
 * @example const listModels = makeListModels({ routeTable }); const { data } = listModels(caller);
 */
export function makeListModels(deps: { routeTable: RouteTable }) {
  return function listModels(caller: Pick<Caller, 'allowedModels'>): { object: 'list'; data: ModelEntry[] } {
    const version = deps.routeTable.current();
    const created = Math.floor(version.loadedAt / 1000);
    const allowed = caller.allowedModels === null ? null : new Set(caller.allowedModels);
    const data = version.routes
      .filter((route) => allowed === null || allowed.has(route.model))
      .map((route): ModelEntry => {
        const entry: ModelEntry = { id: route.model, object: 'model', created, owned_by: 'slipway' };
        if (route.description !== undefined) entry.description = route.description;
        return entry;
      });
    return { object: 'list', data };
  };
}
