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

export interface DoorFailure {
  readonly door: string;
  readonly port: number;
  readonly error: NodeJS.ErrnoException;
}

const REASONS: Record<string, string> = {
  EADDRINUSE: 'already in use',
  EACCES: 'not permitted (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'not an address of this machine',
};

/** Every door that could not be opened, named together so one start-up tells the whole story. */
export class DoorsUnavailableError extends Error {
  constructor(
    host: string,
    readonly failures: readonly DoorFailure[],
  ) {
    const each = failures.map(
      ({ door, port, error }) =>
        `${door} ${host}:${port} ${REASONS[error.code ?? ''] ?? `(${error.message})`}`,
    );
    const inUse = failures.filter(({ error }) => error.code === 'EADDRINUSE');
    const hint =
      inUse.length > 0
        ? ` Is another chatroom server (or another program) already running? Stop it, or move ${
            inUse.length === 1 ? 'that door' : 'those doors'
          } with ${inUse.map(({ door }) => `--${door}-port`).join(', ')} (0 picks a free port, off closes a door).`
        : '';
    super(`cannot listen: ${each.join('; ')}.${hint}`);
    this.name = 'DoorsUnavailableError';
  }
}

/**
 * Opens every door at once. If any cannot be opened, the others are closed again and one
 * error names every failure: a user who has a server running already learns all the ports
 * it holds, not the first one only. A door only finishes closing once the connections it
 * accepted meanwhile have ended, so `endAccepted` ends them (or the failed start would wait
 * on clients that never leave).
 */
export async function openAll(
  host: string,
  openers: readonly { door: string; port: number; open: () => Promise<Listening> }[],
  endAccepted: () => Promise<void> = async () => {},
): Promise<Listening[]> {
  // Through a promise, so an opener that throws at once fails like one that rejects, and
  // the doors already opening are still closed.
  const results = await Promise.allSettled(openers.map(({ open }) => Promise.resolve().then(open)));
  const opened = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failures = results.flatMap((result, i) =>
    result.status === 'rejected'
      ? [
          {
            door: openers[i]!.door,
            port: openers[i]!.port,
            error: result.reason as NodeJS.ErrnoException,
          },
        ]
      : [],
  );
  if (failures.length === 0) return opened;
  await Promise.all([...opened.map((door) => door.close()), endAccepted()]);
  throw new DoorsUnavailableError(host, failures);
}
