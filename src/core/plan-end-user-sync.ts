import { type EndUser, type EndUserFields, sameEndUserFields } from './end-user.js';

/** What a sync of the directory from a file does; lists of ids, sorted. */
export interface EndUserSyncPlan {
  create: EndUserFields[];
  update: EndUserFields[];
  unchanged: string[];
  remove: string[];
}

/**
 * Compares the directory with a file's entries: new ids are created, changed ones updated, and with `prune`,
 * ids the file does not list are removed. The file's ids must be unique (the caller checks, line by line).
 * @example planEndUserSync([], [{ id: 'u1', … }], { prune: false }).create // [{ id: 'u1', … }]
 */
export function planEndUserSync(
  existing: readonly EndUser[],
  incoming: readonly EndUserFields[],
  options: { prune: boolean },
): EndUserSyncPlan {
  const current = new Map(existing.map((user) => [user.id, user]));
  const plan: EndUserSyncPlan = { create: [], update: [], unchanged: [], remove: [] };
  for (const user of incoming) {
    const before = current.get(user.id);
    if (before === undefined) plan.create.push(user);
    else if (sameEndUserFields(before, user)) plan.unchanged.push(user.id);
    else plan.update.push(user);
  }
  if (options.prune) {
    const listed = new Set(incoming.map((user) => user.id));
    plan.remove = existing.filter((user) => !listed.has(user.id)).map((user) => user.id);
  }
  const byId = (left: { id: string }, right: { id: string }) => (left.id < right.id ? -1 : 1);
  plan.create.sort(byId);
  plan.update.sort(byId);
  plan.unchanged.sort();
  plan.remove.sort();
  return plan;
}
