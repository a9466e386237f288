import { useQuery } from '@tanstack/react-query';
import { apiGet } from '../../api/client.js';
import type { ApiKeyView, ProjectView, RouteStatus } from '../../api/types.js';

export interface LookupOption {
  value: string;
  label: string;
}

export interface InteractionLookups {
  projects: LookupOption[];
  keys: LookupOption[];
  models: LookupOption[];
  targets: LookupOption[];
  projectName(id: string): string;
  keyName(id: string): string;
}

const EMPTY: { data: never[] } = { data: [] };

function nameOf(options: LookupOption[], id: string): string {
  return options.find((option) => option.value === id)?.label ?? id;
}

/**
 * Names for ids (projects, keys) and suggestions for the filter inputs (models, targets). These are conveniences:
 * a failed lookup leaves ids shown as ids and the inputs free text, never an error on the page.
 */
export function useInteractionLookups(): InteractionLookups {
  const projects = useQuery({
    queryKey: ['projects', 'lookup'],
    queryFn: () => apiGet<{ data: ProjectView[] }>('/api/projects'),
    staleTime: 60_000,
  });
  const keys = useQuery({
    queryKey: ['keys', 'lookup'],
    queryFn: () => apiGet<{ data: ApiKeyView[] }>('/api/keys'),
    staleTime: 60_000,
  });
  const routes = useQuery({
    queryKey: ['routes', 'lookup'],
    queryFn: () => apiGet<{ data: RouteStatus[] }>('/api/routes'),
    staleTime: 60_000,
  });
  const projectOptions = (projects.data ?? EMPTY).data.map((project) => ({
    value: project.id,
    label: project.name,
  }));
  const keyOptions = (keys.data ?? EMPTY).data.map((key) => ({ value: key.id, label: key.name }));
  const routeList = (routes.data ?? EMPTY).data;
  const targets = new Set(
    routeList.flatMap((route) => route.targets.map((target) => `${target.provider}/${target.model}`)),
  );
  return {
    projects: projectOptions,
    keys: keyOptions,
    models: routeList.map((route) => ({ value: route.model, label: route.description ?? route.kind })),
    targets: [...targets].sort().map((target) => ({ value: target, label: target })),
    projectName: (id) => nameOf(projectOptions, id),
    keyName: (id) => nameOf(keyOptions, id),
  };
}
