/**
 * The OpenAI-compatible upstream every target talks to, run as its own process:
 * `node --import tsx bench/gateway/mock-upstream.ts --port=N [--chunks=64] [--chunk-gap-ms=20]`.
 * Every body is serialised once at start-up, so the mock costs the shared client CPU as little as possible and
 * answers a non-streaming completion at once. A streaming completion sends its first chunk at once and the
 * others `--chunk-gap-ms` apart, so that what a gateway adds to the first token and to each gap stands out.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    chunks: { type: 'string', default: '64' },
    'chunk-gap-ms': { type: 'string', default: '20' },
  },
});
const port = Number(values.port);
const chunkCount = Number(values.chunks);
const chunkGapMs = Number(values['chunk-gap-ms']);
if (!Number.isInteger(port) || !Number.isInteger(chunkCount) || chunkCount < 1 || !(chunkGapMs >= 0)) {
  throw new Error('usage: mock-upstream.ts --port=N [--chunks=64] [--chunk-gap-ms=20]');
}

const CREATED = 1_767_225_600;
const USAGE = { prompt_tokens: 412, completion_tokens: 64, total_tokens: 476 };
const ANSWER =
  'Yes. If the atlas has not arrived by the end of tomorrow, reply in this conversation and I will refund it ' +
  'to your original payment method straight away; the refund usually shows on your statement within three to ' +
  'five working days. You do not need to return anything if the parcel turns up later.';

const COMPLETION = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: CREATED,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [
      { index: 0, message: { role: 'assistant', content: ANSWER }, logprobs: null, finish_reason: 'stop' },
    ],
    usage: USAGE,
    system_fingerprint: 'fp_bench',
  }),
);

function sseEvent(payload: unknown): Buffer {
  return Buffer.from(`data: ${JSON.stringify(payload)}\n\n`);
}

function streamChunk(index: number): Buffer {
  // Every chunk, the last included, carries content: the client times the gaps between content-bearing events.
  const delta = index === 0 ? { role: 'assistant', content: 'Yes' } : { content: ` word${index}` };
  return sseEvent({
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created: CREATED,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: index === chunkCount - 1 ? 'stop' : null }],
  });
}

const CHUNKS = Array.from({ length: chunkCount }, (_, index) => streamChunk(index));
const USAGE_CHUNK = sseEvent({
  id: 'chatcmpl-bench',
  object: 'chat.completion.chunk',
  created: CREATED,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [],
  usage: {
    prompt_tokens: USAGE.prompt_tokens,
    completion_tokens: chunkCount,
    total_tokens: 412 + chunkCount,
  },
});
const DONE = Buffer.from('data: [DONE]\n\n');
const JSON_HEADERS = { 'content-type': 'application/json', 'content-length': String(COMPLETION.length) };
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

// A regular expression on the raw text instead of JSON.parse: the mock must stay cheap at 20k+ requests/s.
const STREAM_FLAG = /"stream"\s*:\s*true/;
const INCLUDE_USAGE_FLAG = /"include_usage"\s*:\s*true/;

function stream(response: ServerResponse, includeUsage: boolean): void {
  response.writeHead(200, SSE_HEADERS);
  const first = CHUNKS[0];
  if (first) response.write(first);
  let sent = 1;
  const finish = () => {
    if (includeUsage) response.write(USAGE_CHUNK);
    response.end(DONE);
  };
  if (sent === CHUNKS.length) return finish();
  const timer = setInterval(() => {
    const chunk = CHUNKS[sent];
    if (chunk) response.write(chunk);
    sent += 1;
    if (sent < CHUNKS.length) return;
    clearInterval(timer);
    finish();
  }, chunkGapMs);
  response.once('close', () => clearInterval(timer));
}

function answer(request: IncomingMessage, response: ServerResponse): void {
  if (request.method !== 'POST') {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  const parts: Buffer[] = [];
  request.on('data', (part: Buffer) => parts.push(part));
  request.on('end', () => {
    const body = Buffer.concat(parts).toString('utf8');
    if (STREAM_FLAG.test(body)) return stream(response, INCLUDE_USAGE_FLAG.test(body));
    response.writeHead(200, JSON_HEADERS).end(COMPLETION);
  });
}

const server = createServer({ keepAliveTimeout: 60_000, noDelay: true }, answer);
server.listen(port, '127.0.0.1');
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
