/**
 * The floor a Node gateway can reach: node:http in front of an undici Pool, parsing and re-serialising both JSON
 * bodies, passing SSE through chunk by chunk, and doing nothing else (no auth, no logging, no limits). Run as
 * its own process: `node --import tsx bench/gateway/bare-proxy.ts --port=N --upstream=http://127.0.0.1:M/v1`.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values } = parseArgs({ options: { port: { type: 'string' }, upstream: { type: 'string' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || values.upstream === undefined) {
  throw new Error('usage: bare-proxy.ts --port=N --upstream=http://host:port/v1');
}
const upstream = new URL(values.upstream);
const completionsPath = `${upstream.pathname.replace(/\/+$/, '')}/chat/completions`;
// As many upstream connections as a load test opens downstream, so the pool never queues.
const pool = new Pool(upstream.origin, { connections: 128, keepAliveTimeout: 60_000 });

async function readText(request: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

async function forward(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chat = JSON.parse(await readText(request)) as { stream?: unknown };
  const answer = await pool.request({
    path: completionsPath,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: request.headers.authorization ?? '' },
    body: JSON.stringify(chat),
  });
  if (chat.stream === true) {
    response.writeHead(answer.statusCode, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
    });
    for await (const part of answer.body) response.write(part as Buffer);
    response.end();
    return;
  }
  const completion: unknown = JSON.parse(await answer.body.text());
  const text = JSON.stringify(completion);
  response
    .writeHead(answer.statusCode, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    })
    .end(text);
}

function handle(request: IncomingMessage, response: ServerResponse): void {
  if (request.method === 'GET' && request.url === '/healthz') {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  forward(request, response).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    if (response.headersSent) response.destroy();
    else
      response
        .writeHead(502, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message } }));
  });
}

const server = createServer({ keepAliveTimeout: 60_000, noDelay: true }, handle);
server.listen(port, '127.0.0.1');
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => void pool.close().then(() => process.exit(0)));
});
