import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCliSettings } from '../config/cli-settings.js';
import type { InteractionSummary } from '../ports/interaction-store.js';
import { buildProgram } from './program.js';

const NOW = Date.UTC(2025, 0, 31, 12, 0, 0);

function summary(overrides: Partial<InteractionSummary> = {}): InteractionSummary {
  return {
    id: 'int_1',
    endpoint: 'chat.completions',
    projectId: 'proj_default',
    apiKeyId: 'key_1',
    endUser: null,
    modelRequested: 'chat-default',
    target: 'openai/gpt-4o-mini',
    variant: null,
    promptName: null,
    promptVersion: null,
    batchId: null,
    stream: false,
    status: 'success',
    errorCode: null,
    errorMessage: null,
    promptTokens: 9,
    completionTokens: 12,
    totalTokens: 21,
    costUsd: 0.0042,
    latencyMs: 450,
    ttftMs: null,
    startedAt: NOW - 60_000,
    attemptCount: 1,
    ...overrides,
  };
}

/** The admin API's listing as a loopback double: records each query and answers `reply`. */
let server: Server;
let queries: URLSearchParams[];
let reply: { status: number; body: unknown };

beforeEach(async () => {
  queries = [];
  reply = { status: 200, body: { data: [summary()], next_cursor: null } };
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    if (url.pathname === '/api/interactions') queries.push(url.searchParams);
    response.writeHead(reply.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(reply.body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});

afterEach(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const program = buildProgram({
    writeOut: (text) => (stdout += text),
    writeErr: (text) => (stderr += text),
    settings: readCliSettings({ SLIPWAY_URL: url, SLIPWAY_TOKEN: 'sk-slw-admin' }),
    now: () => NOW,
    interruption: () => {
      throw new Error('logs search must not catch Ctrl-C');
    },
  });
  const code = await program.run(argv);
  return { code, stdout, stderr };
}

describe('slipway logs search', () => {
  it('sends the text and every filter to GET /api/interactions', async () => {
    const result = await run([
      'logs',
      'search',
      '"late delivery" refund*',
      '--model',
      'chat-default',
      '--since',
      '1h',
      '--project',
      'shop',
      '--status',
      'error',
      '--user',
      'user-7',
      '--prompt',
      'support',
      '--min-cost',
      '0',
      '--max-cost',
      '0.25',
      '--min-latency',
      '100',
      '--max-latency',
      '5000',
      '--sort',
      'cost',
      '--limit',
      '20',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(Object.fromEntries(queries[0] ?? [])).toEqual({
      q: '"late delivery" refund*',
      model: 'chat-default',
      since: String(NOW - 3_600_000),
      project: 'shop',
      status: 'error',
      user: 'user-7',
      prompt: 'support',
      min_cost: '0',
      max_cost: '0.25',
      min_latency: '100',
      max_latency: '5000',
      sort: 'cost',
      limit: '20',
    });
    expect(result.stdout).toContain('int_1');
  });

  it('prints the page as JSON with --json, and how to get the next page', async () => {
    reply.body = { data: [summary()], next_cursor: 'c2' };
    const json = await run(['logs', 'search', 'refund', '--json']);
    expect(JSON.parse(json.stdout)).toEqual(reply.body);
    const table = await run(['logs', 'search', 'refund']);
    expect(table.stdout).toContain('--cursor c2');
    const next = await run(['logs', 'search', 'refund', '--cursor', 'c2']);
    expect(next.code).toBe(0);
    expect(queries.at(-1)?.get('cursor')).toBe('c2');
  });

  it('says so when nothing matches', async () => {
    reply.body = { data: [], next_cursor: null };
    expect((await run(['logs', 'search', 'zeppelin'])).stdout).toBe('No interaction matches.\n');
  });

  it('exits 1 with the server’s message when it refuses the search', async () => {
    reply = {
      status: 400,
      body: {
        error: {
          message: 'The search text holds no word to search for',
          type: 'invalid_request_error',
          param: 'q',
          code: 'invalid_request',
        },
      },
    };
    const result = await run(['logs', 'search', '***']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no word to search for');
  });

  it.each([
    [['logs', 'search'], /missing required argument/],
    [['logs', 'search', 'x', '--sort', 'size'], /--sort/],
    [['logs', 'search', 'x', '--min-cost', '-1'], /--min-cost/],
    [['logs', 'search', 'x', '--max-latency', '1.5'], /--max-latency/],
    [['logs', 'search', 'x', '--since', 'yesterday'], /--since/],
  ])('rejects %j as a usage error without calling the server', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(queries).toHaveLength(0);
  });
});
