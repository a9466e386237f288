import type { EndUser, EndUserFields, EndUserGroup } from '../core/end-user.js';

/** One page of end users, ordered by id. */
export interface EndUserPage {
  items: EndUser[];
  /** The id to pass as `after` for the next page; null on the last page. */
  nextAfter: string | null;
}

/** What a sync did (or, with `dryRun`, would do); ids sorted. */
export interface EndUserSyncOutcome {
  created: string[];
  updated: string[];
  unchanged: string[];
  removed: string[];
}

/**
 * Slipway's own directory of end users and groups: who an app key may name as the end user, with their groups,
 * roles and clearance.
 *
 * Contract: ids and group names are compared exactly (case matters). `putEndUser` creates or replaces an entry
 * in one statement, keeping the first `createdAt`, and also lists any group it names that the directory does not
 * know yet. `syncEndUsers` is atomic: every change of the plan is applied, or none (concurrent syncs are
 * serialised). Groups are listed by name; deleting a group still named by a user throws `conflict`.
 * @example await directory.putEndUser({ id: 'u-42', name: 'Ada', groups: ['finance'], roles: [], clearance: 'internal', disabled: false }, now);
 */
export interface EndUserDirectory {
  /** Null when there is no such end user. */
  getEndUser(id: string): Promise<EndUser | null>;
  /** 1..1000 entries per page, after the id `after` when given. */
  listEndUsers(query: { limit: number; after?: string }): Promise<EndUserPage>;
  /** Creates or replaces; resolves with the entry as it was before (null when created). */
  putEndUser(user: EndUserFields, at: number): Promise<EndUser | null>;
  /** Resolves false when there was no such end user. */
  deleteEndUser(id: string): Promise<boolean>;
  /** Applies the file's entries (and with `prune`, removes the rest) in one transaction; `dryRun` changes nothing. */
  syncEndUsers(request: {
    users: EndUserFields[];
    prune: boolean;
    dryRun: boolean;
    at: number;
  }): Promise<EndUserSyncOutcome>;
  listEndUserGroups(): Promise<EndUserGroup[]>;
  /** Creates or updates the description; resolves true when created. */
  putEndUserGroup(group: EndUserGroup): Promise<boolean>;
  /** Resolves false when there was no such group; throws `conflict` while an end user names it. */
  deleteEndUserGroup(name: string): Promise<boolean>;
}
