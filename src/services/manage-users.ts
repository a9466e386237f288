import { SlipwayError } from '../core/errors.js';
import type { AuditActor } from '../ports/audit-log.js';
import type { Clock } from '../ports/clock.js';
import type { PasswordHasher } from '../ports/password-hasher.js';
import type { Random } from '../ports/random.js';
import type { SessionStore } from '../ports/session-store.js';
import type { UserChanges, UserRecord, UserRole, UserStore } from '../ports/user-store.js';
import type { RecordAudit } from './record-audit.js';

/** Long passphrases beat complexity rules (NIST SP 800-63B); the upper bound keeps hashing cheap to refuse. */
const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 1024;

/** A person as the admin API shows them: everything but the password hash. */
export type UserView = Omit<UserRecord, 'passwordHash'>;

export function toUserView(record: UserRecord): UserView {
  const { passwordHash: _passwordHash, ...view } = record;
  return view;
}

export interface CreateUserInput {
  email: string;
  name: string;
  role: UserRole;
  password: string;
}

export interface UpdateUserInput {
  name?: string;
  role?: UserRole;
  disabled?: boolean;
  password?: string;
}

export interface UserManagementDeps {
  store: UserStore & SessionStore;
  hasher: PasswordHasher;
  clock: Clock;
  random: Random;
  recordAudit: RecordAudit;
}

/** Throws `invalid_request` (param `password`) unless the password meets the policy. */
function checkPasswordPolicy(password: string): void {
  // Code points, not UTF-16 units, so that an emoji counts once.
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    throw new SlipwayError('invalid_request', `Passwords need at least ${MIN_PASSWORD_LENGTH} characters.`, {
      param: 'password',
    });
  }
  if (length > MAX_PASSWORD_LENGTH) {
    throw new SlipwayError(
      'invalid_request',
      `Passwords may have at most ${MAX_PASSWORD_LENGTH} characters.`,
      {
        param: 'password',
      },
    );
  }
}

/**
 * People and their roles: creating, changing role or name, disabling and enabling, setting passwords. Every
 * change is audited with the actor who made it. Disabling someone or setting their password ends their
 * sessions; the last enabled admin can be neither demoted nor disabled (`conflict`).
 * @example await users.createUser({ email, name, role: 'admin', password }, actor);
 */
export function makeUserManagement(deps: UserManagementDeps) {
  const { store, hasher, clock, random, recordAudit } = deps;

  async function requireUser(id: string): Promise<UserRecord> {
    const user = await store.getUser(id);
    if (!user) throw new SlipwayError('not_found', `No user with id "${id}"`, { param: 'id' });
    return user;
  }

  async function createUser(input: CreateUserInput, by: AuditActor): Promise<UserView> {
    checkPasswordPolicy(input.password);
    const record: UserRecord = {
      id: random.id('usr'),
      email: input.email.trim().toLowerCase(),
      name: input.name.trim(),
      role: input.role,
      passwordHash: await hasher.hash(input.password),
      createdAt: clock.now(),
      disabledAt: null,
      lastSignInAt: null,
    };
    await store.insertUser(record);
    await recordAudit({
      actor: by,
      action: 'user.create',
      target: record.id,
      detail: { email: record.email, role: record.role },
    });
    return toUserView(record);
  }

  async function updateUser(id: string, input: UpdateUserInput, by: AuditActor): Promise<UserView> {
    if (input.password !== undefined) checkPasswordPolicy(input.password);
    const before = await requireUser(id);
    const now = clock.now();
    const changes: UserChanges = {};
    if (input.name !== undefined && input.name.trim() !== before.name) changes.name = input.name.trim();
    if (input.role !== undefined && input.role !== before.role) changes.role = input.role;
    if (input.disabled !== undefined && input.disabled !== (before.disabledAt !== null)) {
      changes.disabledAt = input.disabled ? now : null;
    }
    if (input.password !== undefined) changes.passwordHash = await hasher.hash(input.password);
    if (Object.keys(changes).length === 0) return toUserView(before);

    const after = await store.updateUser(id, changes);
    if (!after) throw new SlipwayError('not_found', `No user with id "${id}"`, { param: 'id' });
    // A disabled person, or one whose password was reset, must sign in again (or not at all) everywhere.
    if (changes.disabledAt !== undefined && changes.disabledAt !== null)
      await store.revokeUserSessions(id, now);
    if (changes.passwordHash !== undefined) await store.revokeUserSessions(id, now);

    const audit = (action: string, detail: Record<string, unknown> = {}) =>
      recordAudit({ actor: by, action, target: id, detail: { email: after.email, ...detail } });
    if (changes.name !== undefined) await audit('user.rename', { from: before.name, to: after.name });
    if (changes.role !== undefined) await audit('user.role_change', { from: before.role, to: after.role });
    if (changes.disabledAt !== undefined)
      await audit(changes.disabledAt === null ? 'user.enable' : 'user.disable');
    if (changes.passwordHash !== undefined) await audit('user.password_change');
    return toUserView(after);
  }

  return {
    createUser,
    updateUser,
    listUsers: async (): Promise<UserView[]> => (await store.listUsers()).map(toUserView),
    hasUsers: async (): Promise<boolean> => (await store.countUsers()) > 0,
  };
}

export type UserManagement = ReturnType<typeof makeUserManagement>;
