import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SLIPWAY_MAIN = join(REPOSITORY_ROOT, 'dist/cli/main.js');

/** The newest modification time among the sources that `npm run build` compiles (tests are not compiled). */
function newestSourceTime(): number {
  const sourceDir = join(REPOSITORY_ROOT, 'src');
  let newest = 0;
  for (const entry of readdirSync(sourceDir, { recursive: true, encoding: 'utf8' })) {
    if (!entry.endsWith('.ts') || entry.endsWith('.test.ts')) continue;
    newest = Math.max(newest, statSync(join(sourceDir, entry)).mtimeMs);
  }
  return newest;
}

/**
 * Runs `npm run build` unless dist/ is newer than every source: tests that start `slipway start` as a child
 * process must run the code under test, not an old build, and a fresh checkout (CI builds in `npm ci`) need not
 * pay the compiler's 10 s twice. Throws with the compiler's output when the build fails.
 */
export function buildSlipwayIfStale(): void {
  if (existsSync(SLIPWAY_MAIN) && statSync(SLIPWAY_MAIN).mtimeMs > newestSourceTime()) return;
  const result = spawnSync('npm', ['run', 'build'], { cwd: REPOSITORY_ROOT, encoding: 'utf8' });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.slice(-4_000);
    throw new Error(
      `npm run build failed (${result.error?.message ?? `exit code ${result.status}`}):\n${output}`,
    );
  }
}
