import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy for fault injection (the shape of Toxiproxy): it forwards every connection to `target`, and can cut
 * every open connection at once (both ends destroyed, as a network failure would) and refuse new ones until told
 * to accept again. Tests put it between a client and the broker: `amqp://guest:guest@127.0.0.1:${proxy.port}`.
 */
export class TcpFaultProxy {
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private refusing = false;
  /** Connections cut so far. */
  cuts = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpFaultProxy> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('The proxy has no TCP port');
    const proxy = new TcpFaultProxy(server, address.port);
    server.on('connection', (client: Socket) => proxy.accept(client, target));
    return proxy;
  }

  /** How many client connections are open through the proxy. */
  get open(): number {
    return this.pairs.size;
  }

  /** Destroys every open connection, both towards the client and towards the target. */
  cutAll(): void {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
      this.cuts += 1;
    }
    this.pairs.clear();
  }

  /** New connections are closed as soon as they are accepted (the client sees a reset) until `acceptNew`. */
  refuseNew(): void {
    this.refusing = true;
  }

  acceptNew(): void {
    this.refusing = false;
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, target: { host: string; port: number }): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    const pair = { client, upstream };
    this.pairs.add(pair);
    const drop = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
