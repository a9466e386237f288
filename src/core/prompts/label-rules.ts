import type { Role } from '../identity.js';

/** The label every push moves to the newest version; nobody moves it by hand. */
export const LATEST_LABEL = 'latest';

/** The labels only admins may move unless configuration says otherwise. */
export const DEFAULT_PROTECTED_LABELS: readonly string[] = ['production'];

const LABEL_NAME = /^[a-z0-9_-]{1,40}$/;

/**
 * Whether `label` is a valid label name: 1 to 40 lowercase letters, digits, `-` or `_`.
 * @example isLabelName('staging') // true
 */
export function isLabelName(label: string): boolean {
  return LABEL_NAME.test(label);
}

/**
 * Whether `role` may move `label` by hand. `latest` moves only by itself, on push. Admins may move any other label;
 * developers only unprotected ones; viewers and app keys none.
 * @example canMoveLabel('developer', 'production', ['production']) // false
 */
export function canMoveLabel(role: Role, label: string, protectedLabels: readonly string[]): boolean {
  if (label === LATEST_LABEL) return false;
  switch (role) {
    case 'admin':
      return true;
    case 'developer':
      return !protectedLabels.includes(label);
    case 'viewer':
    case 'app':
      return false;
  }
}
