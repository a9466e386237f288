import { SlipwayError } from '../core/errors.js';
import type { Caller } from '../core/identity.js';
import type { Route, RouteKind } from '../core/route.js';
import type { RouteTableVersion } from './route-table.js';

/**
 * The route a caller may use for a public model name. The key's allow-list is checked before the route exists,
 * so that a restricted key cannot probe which model names are configured.
 * Throws `forbidden` (not allowed), `not_found` (no such model) or `invalid_request` (the model serves the other
 * endpoint), each with param `model`.
 * @example const route = authorizeRoute(version, { caller, model: request.model, kind: 'chat' });
 */
export function authorizeRoute(
  version: RouteTableVersion,
  request: { caller: Pick<Caller, 'allowedModels'>; model: string; kind: RouteKind },
): Route {
  const { allowedModels } = request.caller;
  if (allowedModels !== null && !allowedModels.includes(request.model)) {
    throw new SlipwayError('forbidden', `This API key may not use the model ${request.model}`, {
      param: 'model',
    });
  }
  const route = version.resolve(request.model);
  if (route.kind !== request.kind) {
    const serves = route.kind === 'chat' ? 'chat completions' : 'embeddings';
    throw new SlipwayError('invalid_request', `The model ${request.model} serves ${serves} only`, {
      param: 'model',
    });
  }
  return route;
}
