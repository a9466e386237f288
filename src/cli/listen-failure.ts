import { SlipwayError } from '../core/errors.js';

/**
 * The error to report when the HTTP server cannot listen, for the causes an operator can fix from the message
 * alone (the port taken, a privileged port, a host that is not this machine's); null for any other cause.
 * @example throw listenFailure(error, { host: '127.0.0.1', port: 8080 }) ?? error;
 */
export function listenFailure(error: unknown, at: { host: string; port: number }): SlipwayError | null {
  const code = (error as { code?: unknown } | null)?.code;
  const where = `${at.host}:${at.port}`;
  switch (code) {
    case 'EADDRINUSE':
      return new SlipwayError(
        'conflict',
        `Cannot listen on ${where}: the port is already in use (another Slipway?). Stop it, or choose another port with SLIPWAY_PORT or server.port.`,
        { cause: error },
      );
    case 'EACCES':
      return new SlipwayError(
        'forbidden',
        `Cannot listen on ${where}: no permission (ports below 1024 need privileges). Choose another port with SLIPWAY_PORT or server.port.`,
        { cause: error },
      );
    case 'EADDRNOTAVAIL':
      return new SlipwayError(
        'invalid_request',
        `Cannot listen on ${where}: ${at.host} is not an address of this machine. Set SLIPWAY_HOST or server.host.`,
        { cause: error },
      );
    default:
      return null;
  }
}
