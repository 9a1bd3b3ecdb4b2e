import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DoorsUnavailableError, type Listening, listen, openAll } from './listener.js';

const HOST = '127.0.0.1';
const opened: Listening[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(opened.splice(0).map((door) => door.close()));
});

async function blockedPort(): Promise<number> {
  const blocker = await listen('blocker', HOST, 0, () => {});
  opened.push(blocker);
  return blocker.port;
}

/** An opener of a line door on a free port, which tells the test the port it got. */
function lineDoor(bound: (port: number) => void) {
  return {
    door: 'line',
    port: 0,
    open: async () => {
      const door = await listen('line', HOST, 0, () => {});
      bound(door.port);
      return door;
    },
  };
}

/** Resolves true once nothing listens on the port any more. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(port, HOST);
    probe.once('connect', () => {
      probe.destroy();
      resolve(false);
    });
    probe.once('error', () => resolve(true));
  });
}

describe('openAll', () => {
  it('names every door that failed and closes the ones that opened', async () => {
    const [first, second] = [await blockedPort(), await blockedPort()];
    let linePort = 0;
    const failure = await openAll(HOST, [
      lineDoor((port) => {
        linePort = port;
      }),
      { door: 'framed', port: first, open: () => listen('framed', HOST, first, () => {}) },
      { door: 'irc', port: second, open: () => listen('irc', HOST, second, () => {}) },
    ]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DoorsUnavailableError);
    expect((failure as DoorsUnavailableError).failures.map(({ door }) => door)).toEqual([
      'framed',
      'irc',
    ]);
    expect(await refused(linePort)).toBe(true);
  });

  it('closes the opened doors when an opener throws instead of rejecting', async () => {
    let linePort = 0;
    const failure = await openAll(HOST, [
      lineDoor((port) => {
        linePort = port;
      }),
      {
        door: 'http',
        port: 0,
        open: () => {
          throw new Error('the WebSocket door could not be built');
        },
      },
    ]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DoorsUnavailableError);
    expect((failure as Error).message).toContain('the WebSocket door could not be built');
    expect(await refused(linePort)).toBe(true);
  });

  it('ends the connections a door accepted before another failed, instead of waiting on them', async () => {
    const taken = await blockedPort();
    const accepted: Socket[] = [];
    let clientIn!: () => void;
    const clientAccepted = new Promise<void>((resolve) => {
      clientIn = resolve;
    });
    const failure = openAll(
      HOST,
      [
        {
          door: 'line',
          port: 0,
          open: async () => {
            const door = await listen('line', HOST, 0, (socket) => {
              accepted.push(socket);
              clientIn();
            });
            // A client that never leaves by itself, as real ones do.
            sockets.push(connect(door.port, HOST));
            return door;
          },
        },
        {
          door: 'irc',
          port: taken,
          open: async () => {
            await clientAccepted;
            return listen('irc', HOST, taken, () => {});
          },
        },
      ],
      async () => {
        for (const socket of accepted) socket.destroy();
      },
    );
    await expect(failure).rejects.toBeInstanceOf(DoorsUnavailableError);
  });
});
