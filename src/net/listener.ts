import { createServer, type Server, type Socket } from 'node:net';

export interface Listening {
  readonly door: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Opens one front door; resolves once it accepts connections, with the port actually bound. */
export function listen(
  door: string,
  host: string,
  port: number,
  onSocket: (socket: Socket) => void,
): Promise<Listening> {
  const server: Server = createServer(onSocket);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      const boundPort = typeof address === 'object' && address ? address.port : port;
      resolve({
        door,
        host,
        port: boundPort,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
