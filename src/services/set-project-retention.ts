import { SlipwayError } from '../core/errors.js';
import type { Project } from '../core/identity.js';
import type { LogRetention } from '../ports/log-retention.js';
import type { ProjectStore } from '../ports/project-store.js';

/** The longest retention period accepted: a hundred years, past which "forever" says it better. */
export const MAX_RETENTION_DAYS = 36_500;

export interface SetProjectRetentionDeps {
  store: Pick<ProjectStore, 'getProject' | 'findProjectByName'> & Pick<LogRetention, 'setProjectRetention'>;
}

/**
 * Sets how many days a project's interactions are kept (null: forever), the project given by id or by name.
 * Throws `not_found` for an unknown project and `invalid_request` for a period that is not a whole number of days
 * from 1 to MAX_RETENTION_DAYS.
 *
 * @example await setProjectRetention('shop', 30) // { id: 'prj_…', name: 'shop', retentionDays: 30, … }
 */
export function makeSetProjectRetention(
  deps: SetProjectRetentionDeps,
): (project: string, retentionDays: number | null) => Promise<Project> {
  return async (reference, retentionDays) => {
    if (
      retentionDays !== null &&
      (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > MAX_RETENTION_DAYS)
    ) {
      throw new SlipwayError(
        'invalid_request',
        `retentionDays must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}, or null to keep forever`,
        { param: 'retentionDays' },
      );
    }
    const project =
      (await deps.store.getProject(reference)) ?? (await deps.store.findProjectByName(reference));
    if (project === null) {
      throw new SlipwayError('not_found', `No project with id or name "${reference}"`, { param: 'id' });
    }
    return deps.store.setProjectRetention(project.id, retentionDays);
  };
}
