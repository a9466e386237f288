import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JobDelivery } from '../../src/ports/job-queue.js';
import type { JobQueueContractOptions, JobQueueUnderTest } from './job-queue-harness.js';
import { abortOf, aJobName, sleep, waitFor } from './job-queue-harness.js';

const MAX_ATTEMPTS = 3;
const IDS = ['job-a', 'job-b', 'job-c', 'job-d', 'job-e'];

/**
 * What the queue should hold for each copy of a job. `waiting` is ready or in a backoff; `lapsed-final` lost its
 * lease on its last allowed delivery and is dead-lettered when the queue next looks at it (the model cannot tell
 * when).
 */
type JobState = 'waiting' | 'done' | 'dead' | 'lapsed-final';

interface JobCopy {
  id: string;
  state: JobState;
  attempts: number;
}

/**
 * The jobs the queue holds, one entry per stored copy. A queue that dedupes ids stores at most one live copy per id;
 * one that does not (a broker) stores a copy per enqueue, each delivered and retried on its own: a duplicate
 * enqueue may cause extra deliveries, but never more than its own copy's, and the handlers' effects are keyed by
 * id, so that each id takes effect at most once.
 */
interface Model {
  copies: JobCopy[];
  dedupesIds: boolean;
}

interface Real {
  subject: JobQueueUnderTest;
  name: string;
  settleMs: number;
}

const waitingIn = (model: Model): boolean => model.copies.some((copy) => copy.state === 'waiting');

const idsIn = (copies: readonly JobCopy[], state: JobState): string[] =>
  copies
    .filter((copy) => copy.state === state)
    .map((copy) => copy.id)
    .sort();

/** Moves to `dead` the lapsed-final copies the queue has dead-lettered, and checks the dead letters against the model. */
async function syncDeadLetters(model: Model, real: Real): Promise<void> {
  const dead = await real.subject.queue.listDeadLetters({ name: real.name, limit: 100 });
  const letters = new Map<string, number>();
  for (const letter of dead) {
    expect(letter.attempts, `attempts of dead letter ${letter.id}`).toBe(MAX_ATTEMPTS);
    letters.set(letter.id, (letters.get(letter.id) ?? 0) + 1);
  }
  for (const [id, count] of letters) {
    const copies = model.copies.filter((copy) => copy.id === id);
    const known = copies.filter((copy) => copy.state === 'dead').length;
    const lapsed = copies.filter((copy) => copy.state === 'lapsed-final');
    for (const copy of lapsed.slice(0, Math.max(0, count - known))) copy.state = 'dead';
  }
  expect(dead.map((letter) => letter.id).sort()).toEqual(idsIn(model.copies, 'dead'));
}

/** Starts a consumer, takes exactly one delivery, lets `settle` decide its fate, and closes the consumer. */
async function takeOne(
  real: Real,
  settle: (delivery: JobDelivery, signal: AbortSignal) => Promise<void>,
  afterTaken: () => Promise<void> = () => Promise.resolve(),
): Promise<JobDelivery> {
  let taken: JobDelivery | undefined;
  let settled = false;
  const consumer = await real.subject.queue.consume(
    real.name,
    async (delivery, signal) => {
      if (taken !== undefined) {
        // A second delivery of this short-lived consumer is interrupted by its close and given back.
        await abortOf(signal);
        throw new Error('interrupted');
      }
      taken = delivery;
      try {
        await settle(delivery, signal);
      } finally {
        settled = true;
      }
    },
    { concurrency: 1 },
  );
  try {
    await waitFor(() => taken !== undefined, { timeoutMs: real.settleMs * 3, what: 'a delivery' });
    await afterTaken();
    await waitFor(() => settled, { timeoutMs: real.settleMs * 3, what: 'the handler to settle' });
    // Let the queue record the outcome before the close can be mistaken for an interruption.
    await sleep(10);
  } finally {
    await consumer.close();
  }
  return taken as JobDelivery;
}

/**
 * Checks a delivery against the model (a waiting copy of its id at that attempt must exist: a delivery the
 * model has no copy for is a duplicate beyond what the queue may do) and counts it.
 */
function deliveredIn(model: Model, delivery: JobDelivery): JobCopy {
  const waiting = model.copies.filter((copy) => copy.id === delivery.id && copy.state === 'waiting');
  const copy = waiting.find((candidate) => candidate.attempts + 1 === delivery.attempt);
  expect(
    copy,
    `delivery of ${delivery.id} at attempt ${delivery.attempt}; waiting copies at attempts ` +
      `[${waiting.map((candidate) => candidate.attempts).join(',')}]`,
  ).toBeDefined();
  if (copy === undefined) throw new Error(`Unexpected delivery of ${delivery.id}`);
  copy.attempts += 1;
  return copy;
}

class Enqueue implements fc.AsyncCommand<Model, Real> {
  constructor(readonly ids: readonly string[]) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    await real.subject.queue.enqueue(
      this.ids.map((id) => ({ id, name: real.name, payload: { id }, maxAttempts: MAX_ATTEMPTS })),
    );
    for (const id of this.ids) {
      // A queue that dedupes stores an id still waiting or dead-lettered once; a finished one is a new job.
      const live = model.copies.some((copy) => copy.id === id && copy.state !== 'done');
      if (!model.dedupesIds || !live) model.copies.push({ id, state: 'waiting', attempts: 0 });
    }
  }
  toString = () => `enqueue(${this.ids.join(',')})`;
}

class Deliver implements fc.AsyncCommand<Model, Real> {
  constructor(readonly outcome: 'ok' | 'fail') {}
  check = (model: Readonly<Model>) => waitingIn(model);
  async run(model: Model, real: Real): Promise<void> {
    const delivery = await takeOne(real, () =>
      this.outcome === 'ok' ? Promise.resolve() : Promise.reject(new Error('model failure')),
    );
    const job = deliveredIn(model, delivery);
    if (this.outcome === 'ok') job.state = 'done';
    else if (job.attempts >= MAX_ATTEMPTS) job.state = 'dead';
    await syncDeadLetters(model, real);
  }
  toString = () => `deliver(${this.outcome})`;
}

class LoseLease implements fc.AsyncCommand<Model, Real> {
  check = (model: Readonly<Model>) => waitingIn(model);
  async run(model: Model, real: Real): Promise<void> {
    const delivery = await takeOne(
      real,
      async (_delivery, signal) => {
        await abortOf(signal);
        throw new Error('lease lost');
      },
      () => real.subject.loseLeases(),
    );
    const job = deliveredIn(model, delivery);
    if (job.attempts >= MAX_ATTEMPTS) job.state = 'lapsed-final';
    await syncDeadLetters(model, real);
  }
  toString = () => 'lose-lease';
}

class Reopen implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    await real.subject.reopen();
    await syncDeadLetters(model, real);
  }
  toString = () => 'crash-and-reopen';
}

class Redrive implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    await syncDeadLetters(model, real);
    const dead = model.copies.filter((copy) => copy.state === 'dead');
    await expect(real.subject.queue.redrive({ name: real.name })).resolves.toBe(dead.length);
    for (const copy of dead) Object.assign(copy, { state: 'waiting', attempts: 0 });
    await syncDeadLetters(model, real);
  }
  toString = () => 'redrive';
}

/**
 * Runs every copy left to completion, then checks that none was lost: each waiting copy is delivered once more,
 * and nothing else is.
 */
async function drain(model: Model, real: Real): Promise<void> {
  const delivered: string[] = [];
  const consumer = await real.subject.queue.consume(
    real.name,
    async (delivery) => void delivered.push(delivery.id),
    { concurrency: 2 },
  );
  const expected = idsIn(model.copies, 'waiting');
  try {
    await waitFor(() => delivered.length >= expected.length, {
      timeoutMs: real.settleMs * 4,
      what: `the waiting jobs ${expected.join(',')}`,
    });
    await waitFor(
      async () => {
        const stats = (await real.subject.queue.stats()).find((entry) => entry.name === real.name);
        return stats === undefined || stats.ready + stats.inFlight + (stats.delayed ?? 0) === 0;
      },
      { timeoutMs: real.settleMs * 4, what: 'an empty queue' },
    );
  } finally {
    await consumer.close();
  }
  expect(delivered.sort()).toEqual(expected);
  // The lapsed-final copies the drain's claims came across are dead letters now.
  for (const copy of model.copies) if (copy.state === 'lapsed-final') copy.state = 'dead';
  await syncDeadLetters(model, real);
}

/**
 * A stateful model test: random sequences of enqueues, successful and failing deliveries, lost leases, reopens
 * and redrives, after each of which the dead letters must match the model, and after which no job may be lost.
 */
export function describeJobQueueModel(
  name: string,
  open: () => Promise<JobQueueUnderTest>,
  options: JobQueueContractOptions & { modelRuns?: number },
): void {
  describe(`${name}: job queue against a model`, () => {
    it('loses no job and dead-letters exactly as the model does', async () => {
      const commands = [
        fc.subarray(IDS, { minLength: 1, maxLength: 3 }).map((ids) => new Enqueue(ids)),
        fc.constantFrom('ok' as const, 'fail' as const).map((outcome) => new Deliver(outcome)),
        fc.constant(new LoseLease()),
        fc.constant(new Reopen()),
        fc.constant(new Redrive()),
      ];
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: 12 }), async (sequence) => {
          const subject = await open();
          const real: Real = { subject, name: aJobName('model'), settleMs: options.settleMs };
          const model: Model = { copies: [], dedupesIds: options.capabilities.dedupesIds };
          try {
            await fc.asyncModelRun(() => ({ model, real }), sequence);
            await drain(model, real);
          } finally {
            await subject.close();
          }
        }),
        { numRuns: options.modelRuns ?? 30 },
      );
    }, 120_000);
  });
}
