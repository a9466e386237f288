import type { ServerResponse } from 'node:http';
import type { OpenAiErrorBody } from './openai-error.js';

/**
 * Writes a chat-completion stream as server-sent events. Once the first byte is out, the 200 is committed: a
 * failure after that is reported by exactly one complete `data: {"error":…}` event and no `[DONE]`, so that a
 * client can never mistake a cut stream for a finished one.
 */
export class SseWriter {
  private ended = false;

  constructor(private readonly response: ServerResponse) {}

  open(headers: Record<string, string>): void {
    this.response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...headers,
    });
    this.response.flushHeaders();
  }

  /** Resolves when the socket can take more (back-pressure from slow clients). */
  async data(payload: unknown): Promise<void> {
    if (this.ended) return;
    if (!this.response.write(`data: ${JSON.stringify(payload)}\n\n`)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.response.off('drain', done);
          this.response.off('close', done);
          resolve();
        };
        this.response.on('drain', done);
        this.response.on('close', done);
      });
    }
  }

  done(): void {
    this.finish('data: [DONE]\n\n');
  }

  fail(body: OpenAiErrorBody): void {
    this.finish(`data: ${JSON.stringify(body)}\n\n`);
  }

  private finish(lastEvent: string): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.response.destroyed) this.response.end(lastEvent);
  }
}
