import type { EndUser } from './principal-types.js';

/** The end-user form's inputs as typed: lists as comma-separated text, no clearance as ''. */
export interface EndUserDraft {
  id: string;
  name: string;
  groups: string;
  roles: string;
  clearance: string;
  disabled: boolean;
}

export const EMPTY_END_USER_DRAFT: EndUserDraft = {
  id: '',
  name: '',
  groups: '',
  roles: '',
  clearance: '',
  disabled: false,
};

/** The form's starting values for an existing end user. */
export function toEndUserDraft(user: EndUser): EndUserDraft {
  return {
    id: user.id,
    name: user.name,
    groups: user.groups.join(', '),
    roles: user.roles.join(', '),
    clearance: user.clearance ?? '',
    disabled: user.disabled,
  };
}

/** `a, b;c` → ['a', 'b', 'c']: commas like the CLI's `--groups`, semicolons like a sync file's cells. */
const splitNames = (text: string): string[] =>
  text
    .split(/[,;]/)
    .map((name) => name.trim())
    .filter((name) => name !== '');

/**
 * The body of `PUT /api/principals/:id`: every field, so that the entry ends up exactly as the form shows it. An
 * empty name is left out, so the server keeps the current name (or uses the id for a new entry).
 * @example toEndUserBody({ ...EMPTY_END_USER_DRAFT, id: 'u-1', groups: 'finance, audit' }).groups // ['finance', 'audit']
 */
export function toEndUserBody(draft: EndUserDraft) {
  const name = draft.name.trim();
  return {
    ...(name === '' ? {} : { name }),
    groups: splitNames(draft.groups),
    roles: splitNames(draft.roles),
    clearance: draft.clearance.trim() === '' ? null : draft.clearance.trim(),
    disabled: draft.disabled,
  };
}
