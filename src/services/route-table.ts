import { SlipwayError } from '../core/errors.js';
import type { Route } from '../core/route.js';
import type { Clock } from '../ports/clock.js';
import type { ModelProvider } from '../ports/model-provider.js';

/**
 * One loaded version of the routes and the providers they name. Immutable: a request holds the version it
 * started with, so a hot reload never changes a request half-way.
 */
export interface RouteTableVersion {
  /** The routes, in configuration order. */
  readonly routes: readonly Route[];
  /** When this version was loaded (ms). */
  readonly loadedAt: number;
  /** The route of a public model name; throws `not_found` (param `model`) when there is none. */
  resolve(model: string): Route;
  /** The provider a target names; every target's provider is present (checked when the version is loaded). */
  provider(providerId: string): ModelProvider;
}

/**
 * The current routes and providers, swapped atomically on configuration reload.
 * @example const version = routeTable.current(); const route = version.resolve(request.model);
 */
export class RouteTable {
  private version: RouteTableVersion;
  private readonly clock: Clock;

  /** Throws `invalid_request` when the routes are inconsistent (see `replace`). */
  constructor(options: {
    routes: readonly Route[];
    providers: ReadonlyMap<string, ModelProvider>;
    clock: Clock;
  }) {
    this.clock = options.clock;
    this.version = loadVersion(options.routes, options.providers, options.clock.now());
  }

  /** The version to serve one request with, start to end. */
  current(): RouteTableVersion {
    return this.version;
  }

  /** Shortcut for `current().resolve(model)`. */
  resolve(model: string): Route {
    return this.version.resolve(model);
  }

  /**
   * Makes new routes and providers current for requests that start from now on, and returns the previous version
   * (whose providers the caller may close once the requests holding it are done). Throws `invalid_request`, and
   * keeps the current version, when two routes share a model name, a route has no target, or a target names a
   * provider that is not given.
   */
  replace(routes: readonly Route[], providers: ReadonlyMap<string, ModelProvider>): RouteTableVersion {
    const previous = this.version;
    this.version = loadVersion(routes, providers, this.clock.now());
    return previous;
  }
}

function loadVersion(
  routes: readonly Route[],
  providers: ReadonlyMap<string, ModelProvider>,
  loadedAt: number,
): RouteTableVersion {
  const byModel = new Map<string, Route>();
  for (const route of routes) {
    if (byModel.has(route.model))
      throw new SlipwayError('invalid_request', `Two routes serve model ${route.model}`);
    if (route.targets.length === 0)
      throw new SlipwayError('invalid_request', `Route ${route.model} has no target`);
    for (const target of [...route.targets, ...route.contextFallbacks]) {
      if (!providers.has(target.providerId)) {
        throw new SlipwayError(
          'invalid_request',
          `Route ${route.model} names unknown provider ${target.providerId}`,
        );
      }
    }
    byModel.set(route.model, deepFreeze(structuredClone(route)));
  }
  const providerMap = new Map(providers);
  const frozenRoutes = Object.freeze([...byModel.values()]);
  return Object.freeze({
    routes: frozenRoutes,
    loadedAt,
    resolve(model: string): Route {
      const route = byModel.get(model);
      if (!route)
        throw new SlipwayError('not_found', `The model ${model} does not exist`, { param: 'model' });
      return route;
    },
    provider(providerId: string): ModelProvider {
      const provider = providerMap.get(providerId);
      if (!provider) throw new SlipwayError('internal_error', `No provider ${providerId} is loaded`);
      return provider;
    },
  });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const field of Object.values(value)) deepFreeze(field);
    Object.freeze(value);
  }
  return value;
}
