import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCliSettings } from '../config/cli-settings.js';
import type { PromptTestRun } from '../core/prompt.js';
import { buildProgram } from './program.js';

const FAILED_RUN: PromptTestRun = {
  id: 'ptr_9',
  name: 'support/refunds',
  version: 3,
  model: 'offline-extractive',
  startedAt: 0,
  finishedAt: 1,
  passed: false,
  actor: 'api_key:key_1',
  cases: [
    {
      name: 'states the refund window',
      passed: false,
      output: 'Refunds are accepted within 14 days.',
      error: null,
      latencyMs: 3,
      costUsd: 0,
      interactionId: 'int_1',
      assertions: [
        {
          assertion: { type: 'contains', value: '30 days' },
          passed: false,
          message: 'expected to contain "30 days", got: "Refunds are accepted within 14 days."',
        },
      ],
    },
  ],
};

/** The admin API's promotion endpoint, refusing every promotion the way the server does (409 plus the run). */
let server: Server;
const bodies: unknown[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const path = new URL(request.url ?? '/', 'http://fake').pathname;
      response.setHeader('content-type', 'application/json');
      if (request.method === 'POST' && path === '/api/prompts/support%2Frefunds/promote') {
        bodies.push(JSON.parse(text));
        response.statusCode = 409;
        const message = 'v3 failed 1 of 1 cases: states the refund window';
        response.end(
          JSON.stringify({
            error: { message, type: 'invalid_request_error', param: 'version', code: 'conflict' },
            testRun: FAILED_RUN,
          }),
        );
        return;
      }
      if (request.method === 'GET' && path === '/api/prompts/support%2Frefunds/test-runs') {
        response.end(JSON.stringify({ data: [FAILED_RUN] }));
        return;
      }
      response.statusCode = 404;
      response.end(JSON.stringify({ error: { message: 'no', type: 'x', param: null, code: 'not_found' } }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});
afterAll(() => server.close());

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const program = buildProgram(
    {
      writeOut: (text) => (stdout += text),
      writeErr: (text) => (stderr += text),
      settings: readCliSettings({
        SLIPWAY_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        SLIPWAY_TOKEN: 'sk-slw-token',
      }),
      now: () => 0,
      interruption: () => new AbortController().signal,
    },
    // As main.ts builds it: with the program's own version.
    { version: '9.9.9' },
  );
  return { code: await program.run(argv), stdout, stderr };
}

describe('slipway prompts (with the program version registered, as in main.ts)', () => {
  it('reads --version after a prompts command as the prompt version, and before any command as the program’s', async () => {
    await run(['prompts', 'promote', 'support/refunds', '--version', '3', '--to', 'production']);
    expect(bodies.at(-1)).toEqual({ version: 3, label: 'production' });
    expect(await run(['--version'])).toMatchObject({ code: 0, stdout: '9.9.9\n' });
  });

  it('prints the failing cases of a refused promotion and exits 1', async () => {
    const refused = await run([
      'prompts',
      'promote',
      'support/refunds',
      '--version',
      '3',
      '--to',
      'production',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Test run ptr_9 (v3 on offline-extractive): 1 of 1 cases failed');
    expect(refused.stderr).toContain('✗ states the refund window');
    expect(refused.stderr).toContain('expected to contain "30 days"');
    expect(refused.stderr).toContain('error: v3 failed 1 of 1 cases');
  });

  it('refuses --override without --reason as a usage error, before calling the server', async () => {
    const before = bodies.length;
    const result = await run([
      'prompts',
      'promote',
      'support/refunds',
      '--version',
      '3',
      '--to',
      'production',
      '--override',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--override needs --reason');
    expect(bodies).toHaveLength(before);
  });
});
