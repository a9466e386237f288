/** A signed-in browser session, as stored: only the SHA-256 digest of the cookie token. */
export interface SessionRecord {
  id: string;
  /** Hex SHA-256 of the token held in the cookie; unique. */
  tokenHash: string;
  userId: string;
  /** Sent back by the dashboard in `x-csrf-token` on unsafe requests. */
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  /** Absolute expiry; idle expiry is computed from `lastSeenAt` by the caller. */
  expiresAt: number;
  revokedAt: number | null;
}

/**
 * Sessions of people signed in to the dashboard.
 *
 * Contract: revocation is sticky (the first time is kept, a revoked session is never revived); `touchSession`
 * only moves `lastSeenAt` forward; lookups return revoked and expired sessions too (the caller decides).
 * @example const session = await sessions.findSessionByTokenHash(sha256(cookieToken));
 */
export interface SessionStore {
  /** Throws `conflict` when the id or the token digest exists. */
  insertSession(session: SessionRecord): Promise<void>;
  /** Null when absent. */
  findSessionByTokenHash(tokenHash: string): Promise<SessionRecord | null>;
  /** Sets `lastSeenAt` to `at` unless it is already later. */
  touchSession(id: string, at: number): Promise<void>;
  /** Returns false when the session does not exist. */
  revokeSession(id: string, at: number): Promise<boolean>;
  /** Revokes every live session of the user; resolves to how many were revoked. */
  revokeUserSessions(userId: string, at: number): Promise<number>;
  /** Deletes sessions that expired or were revoked before `before`; resolves to how many were deleted. */
  purgeSessions(before: number): Promise<number>;
}
