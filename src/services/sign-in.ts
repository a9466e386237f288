import { SlipwayError } from '../core/errors.js';
import type { Clock } from '../ports/clock.js';
import type { PasswordHasher } from '../ports/password-hasher.js';
import type { Random } from '../ports/random.js';
import type { SecretHasher } from '../ports/secret-hasher.js';
import type { SessionRecord, SessionStore } from '../ports/session-store.js';
import type { CounterCharge, UsageLedger } from '../ports/usage-ledger.js';
import type { UserRecord, UserStore } from '../ports/user-store.js';
import { toUserView, type UserView } from './manage-users.js';
import type { RecordAudit } from './record-audit.js';

/** How long sessions last and how many failed sign-ins are allowed (config `auth`). */
export interface SignInPolicy {
  sessionTtlMs: number;
  sessionIdleMs: number;
  loginFailuresPerEmail: number;
  loginFailuresPerIp: number;
  loginWindowMs: number;
}

export interface SignInDeps {
  store: UserStore & SessionStore;
  /** Shared by every API process, so that the attempt limits hold across them. */
  ledger: UsageLedger;
  passwords: PasswordHasher;
  /** SHA-256 of session tokens: they are 256 random bits, so a fast digest is enough (as for API keys). */
  tokens: SecretHasher;
  clock: Clock;
  random: Random;
  recordAudit: RecordAudit;
  policy: SignInPolicy;
}

export interface SignedIn {
  user: UserView;
  /** Goes into the cookie; only its digest is stored. */
  token: string;
  csrfToken: string;
  expiresAt: number;
}

/** One message for every bad credential, so that answers do not reveal which accounts exist or are disabled. */
const BAD_CREDENTIALS = 'Wrong e-mail or password.';
const SESSION_ENDED = 'Your session has ended; sign in again.';
const TOKEN_BYTES = 32;
const TOKEN_TEXT = /^[A-Za-z0-9_-]{43}$/;
// lastSeenAt is written at most this often per session, not on every request.
const TOUCH_INTERVAL_MS = 60_000;

const toBase64Url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

/**
 * Signing in and out, and resolving a session cookie to the person behind it. Failed attempts are limited per
 * e-mail address and per client IP through the shared usage ledger (reserved before the password is checked,
 * released when it was right), so that the limits hold exactly across processes.
 * @example const { token, csrfToken, user } = await signIn.signIn({ email, password, clientIp: request.ip });
 */
export function makeSignIn(deps: SignInDeps) {
  const { store, ledger, passwords, tokens, clock, random, recordAudit, policy } = deps;

  function attemptCharges(email: string, clientIp: string, now: number): CounterCharge[] {
    const windowStart = Math.floor(now / policy.loginWindowMs) * policy.loginWindowMs;
    const windowEnd = windowStart + policy.loginWindowMs;
    return [
      {
        counter: `login:email:${email}`,
        windowStart,
        windowEnd,
        limit: policy.loginFailuresPerEmail,
        amount: 1,
      },
      {
        counter: `login:ip:${clientIp}`,
        windowStart,
        windowEnd,
        limit: policy.loginFailuresPerIp,
        amount: 1,
      },
    ];
  }

  async function signIn(input: { email: string; password: string; clientIp: string }): Promise<SignedIn> {
    const email = input.email.trim().toLowerCase();
    const now = clock.now();
    const anonymous = { kind: 'anonymous' as const, id: null, label: email };
    const failed = (reason: string, target: string | null = null) =>
      recordAudit({
        actor: anonymous,
        action: 'auth.login_failed',
        target,
        outcome: 'failure',
        detail: { email, clientIp: input.clientIp, reason },
      });

    const reservationId = random.id('login');
    const outcome = await ledger.reserve(reservationId, attemptCharges(email, input.clientIp, now));
    if (!outcome.granted) {
      await failed('rate_limited');
      throw new SlipwayError('rate_limited', 'Too many failed sign-in attempts; try again later.', {
        retryAfterMs: Math.max(1_000, outcome.windowEnd - now),
      });
    }

    const user = await store.findUserByEmail(email);
    // Verified even for unknown or disabled accounts, so that timing tells nothing either.
    const verified = await passwords.verify(input.password, user?.passwordHash ?? null);
    if (!user || !verified || user.disabledAt !== null) {
      // The reservation stays charged: it is one failed attempt.
      await ledger.settle(reservationId, {});
      await failed(!user ? 'unknown_email' : !verified ? 'wrong_password' : 'disabled', user?.id ?? null);
      throw new SlipwayError('unauthorized', BAD_CREDENTIALS);
    }
    await ledger.release(reservationId);
    // Stored hashes follow the hasher's parameters as they are raised, at the one moment the password is known.
    const rehashed = passwords.needsRehash(user.passwordHash) ? await passwords.hash(input.password) : null;
    return startSession({ user, now, rehashed });
  }

  async function startSession(options: {
    user: UserRecord;
    now: number;
    rehashed: string | null;
  }): Promise<SignedIn> {
    const { user, now, rehashed } = options;
    const token = toBase64Url(random.bytes(TOKEN_BYTES));
    const session: SessionRecord = {
      id: random.id('ses'),
      tokenHash: tokens.digest(token),
      userId: user.id,
      csrfToken: toBase64Url(random.bytes(TOKEN_BYTES)),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + policy.sessionTtlMs,
      revokedAt: null,
    };
    await store.insertSession(session);
    const signedInUser =
      (await store.updateUser(user.id, {
        lastSignInAt: now,
        ...(rehashed === null ? {} : { passwordHash: rehashed }),
      })) ?? user;
    // Old sessions are cleared here rather than by a job: sign-ins are rare and the delete is an index range.
    await store.purgeSessions(now - policy.sessionIdleMs);
    await recordAudit({
      actor: { kind: 'user', id: user.id, label: user.email },
      action: 'auth.login',
      target: user.id,
      detail: { sessionId: session.id },
    });
    return {
      user: toUserView(signedInUser),
      token,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
    };
  }

  /**
   * The person and live session behind a cookie token; throws `unauthorized` when the token is unknown, the
   * session was revoked or has expired (absolutely or from idleness), or the person was disabled. The user is
   * read afresh on every call, so that a role change or a disabling applies to the very next request.
   */
  async function authenticateSession(token: string): Promise<{ user: UserRecord; session: SessionRecord }> {
    if (!TOKEN_TEXT.test(token)) throw new SlipwayError('unauthorized', SESSION_ENDED);
    const now = clock.now();
    const session = await store.findSessionByTokenHash(tokens.digest(token));
    if (
      !session ||
      session.revokedAt !== null ||
      now >= session.expiresAt ||
      now - session.lastSeenAt >= policy.sessionIdleMs
    ) {
      throw new SlipwayError('unauthorized', SESSION_ENDED);
    }
    const user = await store.getUser(session.userId);
    if (!user || user.disabledAt !== null) throw new SlipwayError('unauthorized', SESSION_ENDED);
    if (now - session.lastSeenAt >= TOUCH_INTERVAL_MS) await store.touchSession(session.id, now);
    return { user, session };
  }

  /** Ends the session; audited as `auth.logout` with the person as actor. */
  async function signOut(signedIn: { user: UserRecord; session: SessionRecord }): Promise<void> {
    await store.revokeSession(signedIn.session.id, clock.now());
    await recordAudit({
      actor: { kind: 'user', id: signedIn.user.id, label: signedIn.user.email },
      action: 'auth.logout',
      target: signedIn.user.id,
      detail: { sessionId: signedIn.session.id },
    });
  }

  return { signIn, authenticateSession, signOut };
}

export type SignIn = ReturnType<typeof makeSignIn>;
