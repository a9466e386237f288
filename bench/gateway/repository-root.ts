import { fileURLToPath } from 'node:url';

/** The repository root, which child processes run in whatever directory the bench was started from. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));
