import type { Role } from '../core/identity.js';

/** The roles a person may hold; `app` is for API keys only. */
export type UserRole = Exclude<Role, 'app'>;

/** A person who signs in to the dashboard, as stored: only a password hash, never the password. */
export interface UserRecord {
  id: string;
  /** Lower-cased: e-mail addresses are compared case-insensitively. */
  email: string;
  name: string;
  role: UserRole;
  /** Self-describing hash (algorithm and parameters included), see PasswordHasher. */
  passwordHash: string;
  createdAt: number;
  disabledAt: number | null;
  lastSignInAt: number | null;
}

/** The fields `updateUser` may change; absent fields keep their value. */
export interface UserChanges {
  name?: string;
  role?: UserRole;
  passwordHash?: string;
  disabledAt?: number | null;
  lastSignInAt?: number;
}

/**
 * People with dashboard accounts.
 *
 * Contract:
 * - E-mail addresses are unique case-insensitively: the store lower-cases them on insert and on lookup.
 * - `updateUser` never leaves the organisation without an enabled admin: a change that would demote or disable
 *   the last enabled admin throws `conflict` and changes nothing. The check and the write are atomic, also
 *   across processes sharing the store (two admins demoting each other at once cannot both succeed).
 * @example await users.insertUser({ id: 'usr_1', email: 'ada@example.com', role: 'admin', … });
 */
export interface UserStore {
  /** Throws `conflict` when the id or the e-mail exists. */
  insertUser(user: UserRecord): Promise<void>;
  /** Null when absent. */
  getUser(id: string): Promise<UserRecord | null>;
  /** Case-insensitive; null when absent. */
  findUserByEmail(email: string): Promise<UserRecord | null>;
  /** Oldest first (then by id). */
  listUsers(): Promise<UserRecord[]>;
  /** How many users exist, disabled ones included. */
  countUsers(): Promise<number>;
  /** Applies the changes and returns the updated user; null when absent; throws `conflict` as described above. */
  updateUser(id: string, changes: UserChanges): Promise<UserRecord | null>;
}
