import type { Kysely } from 'kysely';
import type { Project } from '../../../core/identity.js';
import { SlipwayError } from '../../../core/errors.js';
import type { ProjectStore } from '../../../ports/project-store.js';
import type { Database, ProjectsTable } from './database.js';
import type { StorageDialect } from './storage-dialect.js';

export class KyselyProjectStore implements ProjectStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: StorageDialect,
  ) {}

  async createProject(project: Project): Promise<Project> {
    try {
      await this.db
        .insertInto('projects')
        .values({
          id: project.id,
          name: project.name,
          created_at: project.createdAt,
          retention_days: project.retentionDays,
        })
        .execute();
    } catch (error) {
      if (this.dialect.constraintViolationOf(error) === 'unique') {
        throw new SlipwayError('conflict', `A project with id ${project.id} or name ${project.name} exists`, {
          cause: error,
        });
      }
      throw error;
    }
    return {
      id: project.id,
      name: project.name,
      createdAt: project.createdAt,
      retentionDays: project.retentionDays,
    };
  }

  async getProject(id: string): Promise<Project | null> {
    const row = await this.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toProject(row);
  }

  async findProjectByName(name: string): Promise<Project | null> {
    const row = await this.db.selectFrom('projects').selectAll().where('name', '=', name).executeTakeFirst();
    return row === undefined ? null : toProject(row);
  }

  async listProjects(): Promise<Project[]> {
    const rows = await this.db
      .selectFrom('projects')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toProject);
  }
}

function toProject(row: ProjectsTable): Project {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    retentionDays: row.retention_days === null ? null : Number(row.retention_days),
  };
}
