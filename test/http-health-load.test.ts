import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { HistoryStore } from '../src/core/history.js';
import { onCleanup, startTestServer } from './helpers.js';
import { WsClient } from './ws-client.js';

const HEALTHZ = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';

/**
 * Replaces the store's health question with one that is counted and answered only once the
 * test lets it (a PostgreSQL that is slow to answer).
 */
function holdProbes(store: HistoryStore): { count: () => number; release: () => void } {
  let probes = 0;
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const firstId = store.firstId.bind(store);
  store.firstId = async (target) => {
    if (target === '@healthz') {
      probes++;
      await released;
    }
    return firstId(target);
  };
  return { count: () => probes, release };
}

/** A raw connection that collects all it is sent, until the server closes it. */
function rawHttp(port: number): { socket: Socket; text: () => string; closed: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  onCleanup(() => {
    socket.destroy();
  });
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    text += chunk;
  });
  // The server may hang up while we are still sending; that is what is being tested.
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return { socket, text: () => text, closed };
}

function count(text: string, what: string): number {
  return text.split(what).length - 1;
}

describe('HTTP door: /healthz under load', () => {
  it('asks the store once for many health checks at the same time', async () => {
    const server = await startTestServer();
    const probes = holdProbes(server.store);
    const client = rawHttp(server.port('http'));
    // Fifty requests in one write reach the server together, while the first is unanswered.
    client.socket.write(HEALTHZ.repeat(50));
    await expect.poll(probes.count).toBe(1);
    probes.release();
    await expect.poll(() => count(client.text(), 'HTTP/1.1 200 OK')).toBe(50);
    expect(probes.count()).toBe(1);
    // The answer stands for a while: another check right away does not ask again.
    client.socket.write(HEALTHZ);
    await expect.poll(() => count(client.text(), 'HTTP/1.1 200 OK')).toBe(51);
    expect(probes.count()).toBe(1);
  });

  it('ends a connection that pipelines endless requests, and goes on serving the rest', async () => {
    const server = await startTestServer();
    const probes = holdProbes(server.store);
    const port = server.port('http');
    const flood = rawHttp(port);
    // 100,000 requests, 3.4 MB: once they were all read ahead and each asked the store.
    flood.socket.write(HEALTHZ.repeat(100_000));
    await expect.poll(probes.count).toBe(1);
    probes.release();
    await flood.closed;
    // At most the allowed requests were answered for real; the last said it was the last.
    expect(count(flood.text(), 'HTTP/1.1 200 OK')).toBeLessThanOrEqual(100);
    expect(probes.count()).toBe(1);

    const alice = await WsClient.join(port, 'alice');
    alice.send({ type: 'send', to: '#lobby', text: 'still here', ref: 'r' });
    await alice.waitForType('ack', { ref: 'r' });
  });
});
