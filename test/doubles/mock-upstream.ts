import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How the mock answers one request. Chosen, in this order, by the `x-mock-fault` header, by a model named
 * `fault:<behaviour>` (`fault:429` is short for `fault:status-429`), by the queue filled with `enqueue` (chat
 * and embedding requests only, so that a health check does not eat a queued fault), else by `defaultBehaviour`.
 *
 * - `ok`: a normal answer (stream or not), instantly.
 * - `status-<code>`: that status with an OpenAI error body; 429 also sends `Retry-After`.
 * - `context-length`: 400 `context_length_exceeded`, as OpenAI sends it.
 * - `reset`: destroys the socket before answering.
 * - `hang`: never answers; the request stays open until the client gives up or the mock closes.
 * - `invalid-json-chunk`: a stream with an unparsable chunk (a non-stream request gets a truncated JSON body).
 * - `cut-stream`: a stream that ends cleanly but without `[DONE]`.
 * - `reset-mid-stream`: a stream whose socket is destroyed after a few chunks.
 * - `error-chunk`: a stream with an in-band `{"error": …}` chunk (a non-stream request gets a 500).
 * - `slow` / `slow-<count>x<delayMs>`: a stream of `count` content chunks `delayMs` apart (defaults from
 *   `slowChunks`); a non-stream request waits `count × delayMs` and answers.
 * - `delay-<ms>`: a normal answer after that many milliseconds.
 */
export type MockBehaviour =
  | 'ok'
  | `status-${number}`
  | 'context-length'
  | 'reset'
  | 'hang'
  | 'invalid-json-chunk'
  | 'cut-stream'
  | 'reset-mid-stream'
  | 'error-chunk'
  | 'slow'
  | `slow-${number}x${number}`
  | `delay-${number}`;

export interface MockUpstreamOptions {
  /** The assistant's answer, streamed a word per chunk. */
  content?: string;
  /** Chunks of the `slow` behaviour and the time between them: 64 chunks 20 ms apart by default. */
  slowChunks?: { count: number; delayMs: number };
  /** Seconds sent in `Retry-After` with a 429 (1 by default). */
  retryAfterSeconds?: number;
  /** Length of the embedding vectors (8 by default). */
  embeddingDimensions?: number;
  /** Wait before every answer, to stand in for a real upstream's latency (0 by default). */
  latencyMs?: number;
  /** Behaviour of requests that ask for none (`ok` by default). */
  defaultBehaviour?: MockBehaviour;
  /** Keep each request in `requests` (true by default); long benchmarks may turn it off. */
  record?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/chat/completions`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
  behaviour: MockBehaviour;
}

/** An OpenAI-compatible loopback upstream for tests and benchmarks. */
export interface MockUpstream {
  /** The base URL, `/v1` included: `http://127.0.0.1:<port>/v1`. */
  url: string;
  /** Every request received, in arrival order (unless `record: false`). */
  requests: RecordedRequest[];
  /** Queues behaviours for the next chat or embedding requests that do not name one. */
  enqueue(...behaviours: MockBehaviour[]): void;
  /** Closes every connection, hanging ones included, and stops listening. */
  close(): Promise<void>;
}

const CREATED = 1_751_968_000;
const COMPLETION_ID = 'chatcmpl-mock';
const PROMPT_TOKENS = 10;
const DONE = 'data: [DONE]\n\n';

const BROKEN_STREAMS = ['invalid-json-chunk', 'error-chunk', 'cut-stream', 'reset-mid-stream'] as const;
type BrokenStream = (typeof BROKEN_STREAMS)[number];

const BEHAVIOUR_PATTERN =
  /^(?:ok|status-\d{3}|context-length|reset|hang|invalid-json-chunk|cut-stream|reset-mid-stream|error-chunk|slow|slow-\d+x\d+|delay-\d+)$/;

function parseBehaviour(text: string): MockBehaviour | undefined {
  if (/^\d{3}$/.test(text)) return `status-${Number(text)}`;
  return BEHAVIOUR_PATTERN.test(text) ? (text as MockBehaviour) : undefined;
}

function isBrokenStream(behaviour: MockBehaviour): behaviour is BrokenStream {
  return (BROKEN_STREAMS as readonly string[]).includes(behaviour);
}

function errorBody(options: { message: string; type: string; code: string | null; param?: string }): string {
  return JSON.stringify({
    error: { message: options.message, type: options.type, param: options.param ?? null, code: options.code },
  });
}

const CONTEXT_LENGTH_BODY = errorBody({
  message:
    "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. " +
    'Please reduce the length of the messages.',
  type: 'invalid_request_error',
  code: 'context_length_exceeded',
  param: 'messages',
});
const SERVER_ERROR = {
  message: 'The server had an error while processing your request. Sorry about that!',
  type: 'server_error',
  code: null,
};

function statusBody(status: number): string {
  if (status === 429) {
    return errorBody({
      message: 'Rate limit reached for mock-model on requests per min (RPM): Limit 1, Used 1, Requested 1.',
      type: 'requests',
      code: 'rate_limit_exceeded',
    });
  }
  if (status >= 500) return errorBody(SERVER_ERROR);
  return errorBody({
    message: `Mock upstream fault: status ${status}`,
    type: 'invalid_request_error',
    code: null,
  });
}

const event = (data: string) => `data: ${data}\n\n`;

/**
 * A JSON body serialised once around its model name: answering costs two string concatenations, so that the
 * mock is not what a benchmark measures.
 */
class Template {
  private readonly before: string;
  private readonly after: string;

  constructor(value: Record<string, unknown>) {
    const marker = '\u0000model\u0000';
    const [before = '', after = ''] = JSON.stringify({ ...value, model: marker }).split(
      JSON.stringify(marker),
    );
    this.before = before;
    this.after = after;
  }

  with(modelJson: string): string {
    return this.before + modelJson + this.after;
  }
}

function usageOf(completionTokens: number) {
  return {
    prompt_tokens: PROMPT_TOKENS,
    completion_tokens: completionTokens,
    total_tokens: PROMPT_TOKENS + completionTokens,
  };
}

function chunk(choices: unknown[], extra: Record<string, unknown> = {}): Template {
  return new Template({
    id: COMPLETION_ID,
    object: 'chat.completion.chunk',
    created: CREATED,
    choices,
    ...extra,
  });
}

const deltaChunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
  chunk([{ index: 0, delta, logprobs: null, finish_reason: finishReason }]);

function buildTemplates(content: string) {
  const pieces = content.match(/\s*\S+/g) ?? [content];
  return {
    completion: new Template({
      id: COMPLETION_ID,
      object: 'chat.completion',
      created: CREATED,
      choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: 'stop' }],
      usage: usageOf(pieces.length),
    }),
    role: deltaChunk({ role: 'assistant', content: '' }),
    pieces: pieces.map((piece) => deltaChunk({ content: piece })),
    slowPiece: deltaChunk({ content: 'tok ' }),
    finish: deltaChunk({}, 'stop'),
    usage: chunk([], { usage: usageOf(pieces.length) }),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => resolve(Buffer.concat(parts).toString()));
    request.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  response.end(body);
}

function startEvents(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
}

/** Writes what is pending, then drops the connection without ending the response. */
function dropAfterFlush(response: ServerResponse, data: string): void {
  response.write(data, () => response.socket?.destroy());
}

/** What one chat request asked for, as far as the mock cares. */
interface ChatAsk {
  modelJson: string;
  stream: boolean;
  includeUsage: boolean;
}

/**
 * Starts an OpenAI-compatible upstream on a loopback port: `/v1/chat/completions` (stream or not),
 * `/v1/embeddings` and `/v1/models`, with fault modes chosen per request (see {@link MockBehaviour}).
 * @example
 * const mock = await startMockUpstream();
 * mock.enqueue('status-503', 'ok');
 * const provider = createOpenAiCompatibleProvider({ id: 'mock', baseUrl: mock.url, tokenCounter });
 */
export async function startMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const slow = options.slowChunks ?? { count: 64, delayMs: 20 };
  const retryAfterSeconds = options.retryAfterSeconds ?? 1;
  const dimensions = options.embeddingDimensions ?? 8;
  const latencyMs = options.latencyMs ?? 0;
  const defaultBehaviour = options.defaultBehaviour ?? 'ok';
  const record = options.record ?? true;
  const templates = buildTemplates(options.content ?? 'Hello from the mock upstream.');

  const vector = Array.from({ length: dimensions }, (_, index) =>
    Number(((index + 1) / dimensions).toFixed(6)),
  );
  const vectorBytes = Buffer.alloc(dimensions * 4);
  vector.forEach((value, index) => vectorBytes.writeFloatLE(value, index * 4));
  const embeddingJson = {
    float: JSON.stringify(vector),
    base64: JSON.stringify(vectorBytes.toString('base64')),
  };
  const modelsBody = JSON.stringify({
    object: 'list',
    data: [
      { id: 'mock-model', object: 'model', created: CREATED, owned_by: 'mock' },
      { id: 'mock-embedding', object: 'model', created: CREATED, owned_by: 'mock' },
    ],
  });

  const requests: RecordedRequest[] = [];
  const queue: MockBehaviour[] = [];
  const timers = new Set<NodeJS.Timeout>();

  function later(delayMs: number, action: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, delayMs);
    timers.add(timer);
  }

  function slowParameters(behaviour: MockBehaviour): { count: number; delayMs: number } | undefined {
    const match = /^slow(?:-(\d+)x(\d+))?$/.exec(behaviour);
    if (!match) return undefined;
    return {
      count: match[1] === undefined ? slow.count : Number(match[1]),
      delayMs: match[2] === undefined ? slow.delayMs : Number(match[2]),
    };
  }

  function streamOk(response: ServerResponse, ask: ChatAsk): void {
    startEvents(response);
    let body = event(templates.role.with(ask.modelJson));
    for (const piece of templates.pieces) body += event(piece.with(ask.modelJson));
    body += event(templates.finish.with(ask.modelJson));
    if (ask.includeUsage) body += event(templates.usage.with(ask.modelJson));
    response.end(body + DONE);
  }

  function streamSlowly(response: ServerResponse, ask: ChatAsk & { count: number; delayMs: number }): void {
    startEvents(response);
    response.write(event(templates.role.with(ask.modelJson)));
    const piece = event(templates.slowPiece.with(ask.modelJson));
    let sent = 0;
    const next = () => {
      if (response.destroyed) return;
      if (sent < ask.count) {
        sent += 1;
        response.write(piece);
        later(ask.delayMs, next);
        return;
      }
      let tail = event(templates.finish.with(ask.modelJson));
      if (ask.includeUsage) tail += event(chunk([], { usage: usageOf(ask.count) }).with(ask.modelJson));
      response.end(tail + DONE);
    };
    later(ask.delayMs, next);
  }

  function streamBroken(response: ServerResponse, ask: ChatAsk, behaviour: BrokenStream): void {
    startEvents(response);
    let head = event(templates.role.with(ask.modelJson));
    for (const piece of templates.pieces.slice(0, 2)) head += event(piece.with(ask.modelJson));
    switch (behaviour) {
      case 'invalid-json-chunk':
        response.end(`${head}data: {"id":"${COMPLETION_ID}","choices":[{"delta":{"content":"tru\n\n${DONE}`);
        return;
      case 'error-chunk':
        response.end(head + event(JSON.stringify({ error: SERVER_ERROR })));
        return;
      case 'cut-stream':
        response.end(head);
        return;
      case 'reset-mid-stream':
        dropAfterFlush(response, head);
        return;
    }
  }

  /** The non-stream face of the broken-stream behaviours, for chat and embeddings alike. */
  function answerBroken(response: ServerResponse, behaviour: BrokenStream): void {
    const truncated = `{"id":"${COMPLETION_ID}","object":"chat.completion","choices":[`;
    switch (behaviour) {
      case 'invalid-json-chunk':
        sendJson(response, 200, truncated);
        return;
      case 'error-chunk':
        sendJson(response, 500, statusBody(500));
        return;
      case 'cut-stream':
      case 'reset-mid-stream':
        // A body shorter than its Content-Length, then a dropped connection.
        response.writeHead(200, {
          'content-type': 'application/json',
          'content-length': truncated.length * 2,
        });
        dropAfterFlush(response, truncated);
        return;
    }
  }

  /** Status faults, context length, reset, hang and delay, shared by every route; anything else is `ok`. */
  function answerWith(response: ServerResponse, behaviour: MockBehaviour, ok: () => void): void {
    const status = /^status-(\d{3})$/.exec(behaviour)?.[1];
    const delay = /^delay-(\d+)$/.exec(behaviour)?.[1];
    if (status !== undefined) {
      const code = Number(status);
      sendJson(
        response,
        code,
        statusBody(code),
        code === 429 ? { 'retry-after': String(retryAfterSeconds) } : {},
      );
    } else if (delay !== undefined) {
      later(Number(delay), () => {
        if (!response.destroyed) ok();
      });
    } else if (behaviour === 'context-length') {
      sendJson(response, 400, CONTEXT_LENGTH_BODY);
    } else if (behaviour === 'reset') {
      response.socket?.destroy();
    } else if (behaviour !== 'hang') {
      ok();
    }
  }

  function answerChat(
    response: ServerResponse,
    body: Record<string, unknown>,
    behaviour: MockBehaviour,
  ): void {
    const ask: ChatAsk = {
      modelJson: JSON.stringify(typeof body.model === 'string' ? body.model : 'mock-model'),
      stream: body.stream === true,
      includeUsage: isRecord(body.stream_options) && body.stream_options.include_usage === true,
    };
    const ok = () => {
      if (ask.stream) streamOk(response, ask);
      else sendJson(response, 200, templates.completion.with(ask.modelJson));
    };
    const slowly = slowParameters(behaviour);
    if (slowly && ask.stream) streamSlowly(response, { ...ask, ...slowly });
    else if (slowly) later(slowly.count * slowly.delayMs, ok);
    else if (isBrokenStream(behaviour) && ask.stream) streamBroken(response, ask, behaviour);
    else if (isBrokenStream(behaviour)) answerBroken(response, behaviour);
    else answerWith(response, behaviour, ok);
  }

  function answerEmbeddings(
    response: ServerResponse,
    body: Record<string, unknown>,
    behaviour: MockBehaviour,
  ): void {
    const ok = () => {
      const count = Array.isArray(body.input) && typeof body.input[0] !== 'number' ? body.input.length : 1;
      const embedding = body.encoding_format === 'base64' ? embeddingJson.base64 : embeddingJson.float;
      const items = Array.from(
        { length: count },
        (_, index) => `{"object":"embedding","index":${index},"embedding":${embedding}}`,
      );
      const model = JSON.stringify(typeof body.model === 'string' ? body.model : 'mock-embedding');
      const usage = `{"prompt_tokens":${PROMPT_TOKENS},"total_tokens":${PROMPT_TOKENS}}`;
      sendJson(
        response,
        200,
        `{"object":"list","data":[${items.join(',')}],"model":${model},"usage":${usage}}`,
      );
    };
    const slowly = slowParameters(behaviour);
    if (slowly) later(slowly.count * slowly.delayMs, ok);
    else if (isBrokenStream(behaviour)) answerBroken(response, behaviour);
    else answerWith(response, behaviour, ok);
  }

  function chooseBehaviour(request: IncomingMessage, body: unknown, queued: boolean): string {
    const header = request.headers['x-mock-fault'];
    if (typeof header === 'string' && header.length > 0) return header;
    const model = isRecord(body) && typeof body.model === 'string' ? body.model : '';
    if (model.startsWith('fault:')) return model.slice('fault:'.length);
    return queued ? (queue.shift() ?? defaultBehaviour) : 'ok';
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = parseJson(await readBody(request));
    const path = request.url ?? '/';
    const route = `${request.method ?? ''} ${path.split('?')[0] ?? ''}`;
    const answerable = route === 'POST /v1/chat/completions' || route === 'POST /v1/embeddings';
    const chosen = chooseBehaviour(request, body, answerable);
    const behaviour = parseBehaviour(chosen);
    if (record) {
      requests.push({
        method: request.method ?? '',
        path,
        headers: request.headers,
        body,
        behaviour: behaviour ?? 'ok',
      });
    }
    if (behaviour === undefined) {
      sendJson(
        response,
        400,
        errorBody({ message: `Unknown mock fault: ${chosen}`, type: 'invalid_request_error', code: null }),
      );
      return;
    }
    const fields = isRecord(body) ? body : {};
    const answer = () => {
      if (response.destroyed) return;
      if (route === 'POST /v1/chat/completions') answerChat(response, fields, behaviour);
      else if (route === 'POST /v1/embeddings') answerEmbeddings(response, fields, behaviour);
      else if (route === 'GET /v1/models')
        answerWith(response, behaviour, () => sendJson(response, 200, modelsBody));
      else {
        const message = `Unknown route ${route}`;
        sendJson(response, 404, errorBody({ message, type: 'invalid_request_error', code: 'not_found' }));
      }
    };
    if (latencyMs > 0) later(latencyMs, answer);
    else answer();
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  // Longer than any client's keep-alive, so the mock never closes a socket that a client is about to reuse.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue(...behaviours) {
      queue.push(...behaviours);
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
