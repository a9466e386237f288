import type { ClassificationLevels } from '../core/access/classification-levels.js';
import type { EndUser, EndUserGroup } from '../core/end-user.js';
import { SlipwayError } from '../core/errors.js';
import type { AuditActor } from '../ports/audit-log.js';
import type { Clock } from '../ports/clock.js';
import type { EndUserDirectory, EndUserPage } from '../ports/end-user-directory.js';
import { completeEndUser, parseEndUserInput } from './end-user-input.js';
import {
  type EndUserSyncFile,
  type EndUserSyncLineError,
  readEndUserSyncFile,
} from './read-end-user-sync-file.js';
import type { RecordAudit } from './record-audit.js';

export interface EndUserManagementDeps {
  directory: EndUserDirectory;
  clock: Clock;
  recordAudit: RecordAudit;
  levels: ClassificationLevels;
}

/** What a sync did: nothing at all when `errors` is not empty (then `applied` is false). */
export interface EndUserSyncReport {
  applied: boolean;
  dryRun: boolean;
  prune: boolean;
  created: string[];
  updated: string[];
  unchanged: number;
  removed: string[];
  errors: EndUserSyncLineError[];
}

const GROUP_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@/+-]{0,99}$/;

/**
 * The end-user directory as admins manage it: every change is checked (clearance among the configured levels)
 * and audited as `principal.*` with the end user in `detail.endUser`, so that `audit list --user` finds it.
 * @example await endUsers.putEndUser({ id: 'u-42', groups: ['finance'] }, actor);
 */
export function makeEndUserManagement(deps: EndUserManagementDeps) {
  const { directory, clock, recordAudit, levels } = deps;

  async function getEndUser(id: string): Promise<EndUser> {
    const user = await directory.getEndUser(id);
    if (user === null) throw new SlipwayError('not_found', `No end user "${id}"`, { param: 'id' });
    return user;
  }

  /** Creates or changes an entry; fields the body leaves out keep their value (or default, for a new one). */
  async function putEndUser(body: unknown, by: AuditActor): Promise<{ user: EndUser; created: boolean }> {
    const input = parseEndUserInput(body, levels);
    const current = await directory.getEndUser(input.id);
    const fields = completeEndUser(input, current);
    const before = await directory.putEndUser(fields, clock.now());
    await recordAudit({
      actor: by,
      action: before === null ? 'principal.create' : 'principal.update',
      target: fields.id,
      detail: {
        endUser: fields.id,
        groups: fields.groups,
        roles: fields.roles,
        clearance: fields.clearance,
        disabled: fields.disabled,
        ...(before === null
          ? {}
          : {
              before: {
                groups: before.groups,
                roles: before.roles,
                clearance: before.clearance,
                disabled: before.disabled,
              },
            }),
      },
    });
    return { user: await getEndUser(fields.id), created: before === null };
  }

  async function deleteEndUser(id: string, by: AuditActor): Promise<void> {
    if (!(await directory.deleteEndUser(id))) {
      throw new SlipwayError('not_found', `No end user "${id}"`, { param: 'id' });
    }
    await recordAudit({ actor: by, action: 'principal.delete', target: id, detail: { endUser: id } });
  }

  /**
   * Makes the directory match a file, atomically. Any bad line refuses the whole file (nothing changes, every
   * bad line is reported); a dry run reports what would change. Each change is audited on its own, then the
   * sync as a whole.
   */
  async function syncEndUsers(
    file: EndUserSyncFile,
    options: { prune: boolean; dryRun: boolean },
    by: AuditActor,
  ): Promise<EndUserSyncReport> {
    const { users, errors } = readEndUserSyncFile(file, levels);
    const base = { dryRun: options.dryRun, prune: options.prune };
    if (errors.length > 0) {
      return { ...base, applied: false, created: [], updated: [], unchanged: 0, removed: [], errors };
    }
    const outcome = await directory.syncEndUsers({ users, ...options, at: clock.now() });
    const report: EndUserSyncReport = {
      ...base,
      applied: !options.dryRun,
      created: outcome.created,
      updated: outcome.updated,
      unchanged: outcome.unchanged.length,
      removed: outcome.removed,
      errors: [],
    };
    if (options.dryRun) return report;
    const byId = new Map(users.map((user) => [user.id, user]));
    const changes: Array<[string, string]> = [
      ...outcome.created.map((id): [string, string] => ['principal.create', id]),
      ...outcome.updated.map((id): [string, string] => ['principal.update', id]),
      ...outcome.removed.map((id): [string, string] => ['principal.delete', id]),
    ];
    for (const [action, id] of changes) {
      const user = byId.get(id);
      await recordAudit({
        actor: by,
        action,
        target: id,
        detail: {
          endUser: id,
          via: 'sync',
          ...(user === undefined
            ? {}
            : { groups: user.groups, roles: user.roles, clearance: user.clearance, disabled: user.disabled }),
        },
      });
    }
    await recordAudit({
      actor: by,
      action: 'principal.sync',
      detail: {
        prune: options.prune,
        created: outcome.created.length,
        updated: outcome.updated.length,
        unchanged: outcome.unchanged.length,
        removed: outcome.removed.length,
      },
    });
    return report;
  }

  async function putGroup(
    body: { name: string; description?: string | undefined },
    by: AuditActor,
  ): Promise<EndUserGroup> {
    if (!GROUP_NAME.test(body.name)) {
      throw new SlipwayError(
        'invalid_request',
        'A group name is 1 to 100 letters, digits or ._:@/+- (no spaces, "," or ";")',
        { param: 'name' },
      );
    }
    const group: EndUserGroup = {
      name: body.name,
      description: body.description ?? '',
      createdAt: clock.now(),
    };
    const created = await directory.putEndUserGroup(group);
    await recordAudit({
      actor: by,
      action: created ? 'principal.group_create' : 'principal.group_update',
      target: group.name,
      detail: { description: group.description },
    });
    const stored = (await directory.listEndUserGroups()).find((item) => item.name === group.name);
    return stored ?? group;
  }

  async function deleteGroup(name: string, by: AuditActor): Promise<void> {
    if (!(await directory.deleteEndUserGroup(name))) {
      throw new SlipwayError('not_found', `No group "${name}"`, { param: 'name' });
    }
    await recordAudit({ actor: by, action: 'principal.group_delete', target: name });
  }

  return {
    listEndUsers: (query: { limit: number; after?: string }): Promise<EndUserPage> =>
      directory.listEndUsers(query),
    getEndUser,
    putEndUser,
    deleteEndUser,
    syncEndUsers,
    listGroups: () => directory.listEndUserGroups(),
    putGroup,
    deleteGroup,
  };
}

export type EndUserManagement = ReturnType<typeof makeEndUserManagement>;
