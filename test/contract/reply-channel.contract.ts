import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedFrame } from '../../src/core/reply-frame.js';
import type { ReplyChannel } from '../../src/ports/reply-channel.js';

/** The API process's channel and a worker's: the same object in the embedded mode, two processes' otherwise. */
export interface ReplyChannelPair {
  api: ReplyChannel;
  worker: ReplyChannel;
  close(): Promise<void>;
}

async function eventually(accept: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!accept()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The ReplyChannel contract (src/ports/reply-channel.ts), run on every adapter. */
export function describeReplyChannel(name: string, openPair: () => Promise<ReplyChannelPair>): void {
  describe(`${name}: reply channel`, () => {
    let pair: ReplyChannelPair;
    beforeAll(async () => {
      pair = await openPair();
    });
    afterAll(() => pair.close());

    it('delivers one run’s frames in the order sent, with its run id', async () => {
      const frames: ReceivedFrame[] = [];
      const receiver = await pair.api.open(
        (received) => frames.push(received),
        () => undefined,
      );
      const sender = await pair.worker.attach(receiver.address, 'run-1');
      sender.send({ kind: 'start' });
      for (let index = 0; index < 50; index += 1) {
        sender.send({
          kind: 'chunk',
          chunk: { id: 'c', object: 'chat.completion.chunk', created: index, model: 'm', choices: [] },
        });
      }
      sender.send({ kind: 'end' });
      await eventually(() => frames.length === 52, 'the frames');
      expect(frames.every((received) => received.runId === 'run-1')).toBe(true);
      expect(frames[0]?.frame).toEqual({ kind: 'start' });
      expect(
        frames
          .slice(1, 51)
          .map((received) => (received.frame.kind === 'chunk' ? received.frame.chunk.created : -1)),
      ).toEqual(Array.from({ length: 50 }, (_, index) => index));
      expect(frames[51]?.frame).toEqual({ kind: 'end' });
      expect(sender.signal.aborted).toBe(false);
      sender.close();
      receiver.close();
    });

    it('cancels the run named, and leaves another run alone', async () => {
      const receiver = await pair.api.open(
        () => undefined,
        () => undefined,
      );
      const first = await pair.worker.attach(receiver.address, 'run-a');
      const second = await pair.worker.attach(receiver.address, 'run-b');
      first.send({ kind: 'start' });
      second.send({ kind: 'start' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      receiver.cancel('run-a');
      await eventually(() => first.signal.aborted, 'run-a to be cancelled');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(second.signal.aborted).toBe(false);
      receiver.cancel();
      await eventually(() => second.signal.aborted, 'run-b to be cancelled');
      receiver.close();
    });

    it('stops a run whose receiver has closed', async () => {
      const receiver = await pair.api.open(
        () => undefined,
        () => undefined,
      );
      receiver.close();
      const late = await pair.worker.attach(receiver.address, 'run-late');
      late.send({ kind: 'start' });
      await eventually(() => late.signal.aborted, 'the late run to stop');
    });

    it('stops a run whose receiver’s process is gone', async () => {
      const gone = await openPair();
      const receiver = await gone.api.open(
        () => undefined,
        () => undefined,
      );
      await gone.close();
      const orphan = await pair.worker.attach(receiver.address, 'run-orphan');
      orphan.send({ kind: 'start' });
      await eventually(() => orphan.signal.aborted, 'the orphaned run to stop');
    });
  });
}
