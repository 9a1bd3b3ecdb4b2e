import { connect, createServer, type Server, type Socket } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { LineClient, onCleanup, startTestServer } from './helpers.js';
import { requireBuiltCli, spawnClient } from './spawned.js';

beforeAll(requireBuiltCli);

/**
 * A TCP relay between the client and the server that a test can make lose bytes on the way
 * (an ack that never arrives, a message that never leaves), then cut, as a network would.
 */
class LossyRelay {
  private deaf = false;
  private mute = false;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(targetPort: number): Promise<LossyRelay> {
    const server = createServer();
    const relay = new LossyRelay(server);
    server.on('connection', (client) => relay.relay(client, targetPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onCleanup(() => {
      relay.cut();
      server.close();
    });
    return relay;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  /** From now on, what the server sends is lost before it reaches the client. */
  deafen(): void {
    this.deaf = true;
  }

  /** From now on, what the client sends is lost before it reaches the server. */
  silence(): void {
    this.mute = true;
  }

  /** Cuts every connection through the relay; the next ones pass everything again. */
  cut(): void {
    this.deaf = false;
    this.mute = false;
    for (const socket of this.sockets) socket.destroy();
  }

  private relay(client: Socket, targetPort: number): void {
    const server = connect({ host: '127.0.0.1', port: targetPort });
    for (const socket of [client, server]) {
      this.sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        server.destroy();
      });
    }
    client.on('data', (bytes) => {
      if (!this.mute) server.write(bytes);
    });
    server.on('data', (bytes) => {
      if (!this.deaf) client.write(bytes);
    });
  }
}

describe('the terminal client sending again what was not acknowledged', () => {
  it('resends after a reconnect, and the server stores and relays each message once', async () => {
    const server = await startTestServer({ framedPort: null });
    const bob = await LineClient.join(server.port('line'), 'bob');
    const relay = await LossyRelay.start(server.port('http'));
    const carol = spawnClient(relay.port, 'carol');
    await carol.nextLine('*** Now talking in #lobby');
    await bob.waitFor('*** carol joined #lobby');
    bob.send('before');
    await carol.nextLine('<bob> before');

    // Stored and relayed, but its ack is lost: the client cannot know it arrived.
    relay.deafen();
    carol.type('said once\n');
    await bob.waitFor('<carol> said once');
    // Lost on its way to the server: never stored.
    relay.silence();
    carol.type('lost on the way\n');
    relay.cut();
    await carol.nextLine(/^!!! Disconnected from the server/);
    await bob.waitFor(/^\*\*\* carol left the chat /);

    await carol.nextLine('*** Welcome to chatroom, carol! Type /help for commands.', 20_000);
    await carol.nextLine('*** Now talking in #lobby');
    await bob.waitFor('<carol> lost on the way');
    // The server handles a connection's sends in order: once this one is relayed, so is
    // every resend before it.
    carol.type('said after\n');
    await bob.waitFor('<carol> said after');
    const count = (line: string) => bob.received.filter((received) => received === line).length;
    expect([count('<carol> said once'), count('<carol> lost on the way')]).toEqual([1, 1]);

    bob.send('/history');
    await bob.waitFor(/^\*\*\* End of history of #lobby/);
    const stored = bob.received.filter((line) => /^\[#lobby @\d+ /.test(line));
    expect(stored.map((line) => line.replace(/^\[[^\]]*\] /, ''))).toEqual([
      '<bob> before',
      '<carol> said once',
      '<carol> lost on the way',
      '<carol> said after',
    ]);
    // What carol typed is on her screen already: the catch-up does not show it back to her.
    expect(carol.output).not.toMatch(/> (said once|lost on the way)$/m);
  }, 30_000);
});
