import type { Project } from '../core/identity.js';

/** Projects group keys, limits and interactions. */
export interface ProjectStore {
  /** Inserts a project. Throws `conflict` when the id or the name is taken. */
  createProject(project: Project): Promise<Project>;
  /** Null when absent. */
  getProject(id: string): Promise<Project | null>;
  /** Null when absent. */
  findProjectByName(name: string): Promise<Project | null>;
  /** Ordered by creation time, oldest first. */
  listProjects(): Promise<Project[]>;
}
