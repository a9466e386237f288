/**
 * An end user of the applications behind Slipway, in Slipway's own directory. `id` is the app's own name for
 * the person (what it sends as OpenAI's `user` field); groups and roles are sorted and without repeats.
 */
export interface EndUser {
  id: string;
  name: string;
  groups: string[];
  roles: string[];
  /** A classification level name; null reaches only the lowest level. */
  clearance: string | null;
  /** A disabled end user cannot be named by a key: requests naming them are refused. */
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A group end users can belong to; membership is listed on each user. */
export interface EndUserGroup {
  name: string;
  description: string;
  createdAt: number;
}

/** What an end user's entry says, without the times the directory keeps. */
export type EndUserFields = Omit<EndUser, 'createdAt' | 'updatedAt'>;

/** Whether two entries say the same thing (times aside); inputs must be normalised (sorted lists). */
export function sameEndUserFields(left: EndUserFields, right: EndUserFields): boolean {
  return (
    left.id === right.id &&
    left.name === right.name &&
    left.clearance === right.clearance &&
    left.disabled === right.disabled &&
    left.groups.join('\n') === right.groups.join('\n') &&
    left.roles.join('\n') === right.roles.join('\n')
  );
}
