import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Clock } from '../ports/clock.js';
import type { LogRetention } from '../ports/log-retention.js';
import type { ProjectStore } from '../ports/project-store.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionSweepDeps {
  store: Pick<ProjectStore, 'listProjects'> & Pick<LogRetention, 'deleteInteractionsBefore'>;
  clock: Clock;
  /** Time from the end of one sweep to the start of the next. */
  intervalMs: number;
  /** Interactions deleted per statement. */
  batchSize: number;
  logError(message: string, error: unknown): void;
}

interface RetentionSweepReport {
  /** Interactions deleted, by project id (projects with a retention period only). */
  deleted: Record<string, number>;
  /** Projects whose sweep failed (the error was logged); the next sweep tries them again. */
  failed: string[];
}

export interface RetentionSweep {
  /** Runs one sweep now, or joins the one already running. Never rejects: failures are logged and reported. */
  sweepOnce(): Promise<RetentionSweepReport>;
  /** Starts sweeping: once right away, then `intervalMs` after each sweep ends, so sweeps never overlap. */
  start(): void;
  /** Stops: no further sweep starts, and a running one stops after its current batch. Idempotent. */
  close(): Promise<void>;
}

/**
 * The retention job: for each project with a retention period, deletes its interactions older than that period,
 * a batch at a time until none is left. Each batch is a short transaction of its own, and the event loop gets a
 * turn between batches, so a backlog of millions neither holds the write lock nor stalls requests for long.
 *
 * @example const sweep = makeRetentionSweep({ store, clock, intervalMs: 3_600_000, batchSize: 1000, logError }); sweep.start();
 */
export function makeRetentionSweep(deps: RetentionSweepDeps): RetentionSweep {
  let running: Promise<RetentionSweepReport> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let started = false;
  let closed = false;

  async function sweepProject(projectId: string, retentionDays: number): Promise<number> {
    const before = deps.clock.now() - retentionDays * DAY_MS;
    let total = 0;
    while (!closed) {
      const deleted = await deps.store.deleteInteractionsBefore({ projectId, before, limit: deps.batchSize });
      total += deleted;
      if (deleted < deps.batchSize) break;
      await nextTurn();
    }
    return total;
  }

  async function sweep(): Promise<RetentionSweepReport> {
    const report: RetentionSweepReport = { deleted: {}, failed: [] };
    let projects;
    try {
      projects = await deps.store.listProjects();
    } catch (error) {
      deps.logError('retention sweep: listing projects failed', error);
      return report;
    }
    for (const project of projects) {
      if (closed) break;
      if (project.retentionDays === null) continue;
      try {
        report.deleted[project.id] = await sweepProject(project.id, project.retentionDays);
      } catch (error) {
        report.failed.push(project.id);
        deps.logError(`retention sweep of project ${project.id} failed`, error);
      }
    }
    return report;
  }

  function sweepOnce(): Promise<RetentionSweepReport> {
    running ??= sweep().finally(() => {
      running = undefined;
    });
    return running;
  }

  function schedule(delayMs: number): void {
    timer = setTimeout(() => {
      timer = undefined;
      void sweepOnce().then(() => {
        if (!closed) schedule(deps.intervalMs);
      });
    }, delayMs);
    // A pending sweep must not keep the process alive on its own.
    timer.unref();
  }

  return {
    sweepOnce,
    start() {
      if (started || closed) return;
      started = true;
      schedule(0);
    },
    async close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
