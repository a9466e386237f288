import type { EndUser } from './principal-types.js';

/**
 * Whether an end user matches the list filter: part of the id or name, or a whole group or role name (so that
 * "finance" does not also match "finance-eu"). Case does not matter.
 * @example matchesEndUserFilter(ada, 'audit') // true when Ada is in the group "audit"
 */
export function matchesEndUserFilter(user: EndUser, filter: string): boolean {
  const text = filter.trim().toLowerCase();
  if (text === '') return true;
  return (
    user.id.toLowerCase().includes(text) ||
    user.name.toLowerCase().includes(text) ||
    [...user.groups, ...user.roles].some((name) => name.toLowerCase() === text)
  );
}
