import { connect, createServer, type Server, type Socket } from 'node:net';
import { onCleanup } from './helpers.js';

/**
 * A TCP relay between the client and the server that a test can make lose bytes on the way
 * (an ack that never arrives, a message that never leaves), then cut, as a network would.
 */
export class LossyRelay {
  /** Per connection through the relay: whether it loses what each side sends. */
  private readonly links = new Set<{ deaf: boolean; mute: boolean }>();
  private readonly sockets = new Set<Socket>();
  /** While set, connections are closed as soon as they are accepted. */
  private refusing = false;

  private constructor(private readonly server: Server) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<LossyRelay> {
    const server = createServer();
    const relay = new LossyRelay(server);
    server.on('connection', (client) => {
      if (relay.refusing) client.destroy();
      else relay.relay(client, targetPort, targetHost);
    });
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

  /** From now on, what the server sends on the open connections is lost on the way. */
  deafen(): void {
    for (const link of this.links) link.deaf = true;
  }

  /** From now on, what the client sends on the open connections is lost on the way. */
  silence(): void {
    for (const link of this.links) link.mute = true;
  }

  /** Cuts every connection through the relay; the next ones pass everything. */
  cut(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  /** Cuts every connection and refuses new ones until `restore`: the server is out of reach. */
  cutOff(): void {
    this.refusing = true;
    this.cut();
  }

  restore(): void {
    this.refusing = false;
  }

  private relay(client: Socket, targetPort: number, targetHost: string): void {
    const server = connect({ host: targetHost, port: targetPort });
    const link = { deaf: false, mute: false };
    this.links.add(link);
    client.once('close', () => this.links.delete(link));
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
      if (!link.mute) server.write(bytes);
    });
    server.on('data', (bytes) => {
      if (!link.deaf) client.write(bytes);
    });
  }
}
