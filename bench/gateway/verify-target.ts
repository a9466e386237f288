import { Pool } from 'undici';
import { chatRequestBody } from './chat-request-body.js';
import { timeStream } from './streaming.js';
import type { Target } from './target.js';

/**
 * Sends one completion and one stream through `target` and checks the answers, so that a misconfigured target
 * is reported before any figure is taken instead of as a wall of non-2xx responses.
 */
export async function verifyTarget(target: Target, expectedChunks: number): Promise<void> {
  const pool = new Pool(target.origin, { connections: 1 });
  try {
    const response = await pool.request({
      path: target.path,
      method: 'POST',
      headers: target.headers,
      body: chatRequestBody({ model: target.model, stream: false }),
    });
    const text = await response.body.text();
    if (response.statusCode !== 200)
      throw new Error(`answered ${response.statusCode}: ${text.slice(0, 500)}`);
    const completion = JSON.parse(text) as { choices?: Array<{ message?: { content?: unknown } }> };
    if (typeof completion.choices?.[0]?.message?.content !== 'string') {
      throw new Error(`answered without a message: ${text.slice(0, 500)}`);
    }
    const timing = await timeStream({
      pool,
      target,
      body: chatRequestBody({ model: target.model, stream: true }),
    });
    if (timing.gapsMs.length !== expectedChunks - 1) {
      throw new Error(`streamed ${timing.gapsMs.length + 1} chunks, expected ${expectedChunks}`);
    }
  } finally {
    await pool.close();
  }
}
