import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { onCleanup, startTestServer } from './helpers.js';

/** A raw connection: what the server sent, and when (ms after connecting) it hung up. */
function watch(port: number): {
  send: (text: string) => void;
  ended: Promise<{ ms: number; text: string }>;
} {
  const socket = connect(port, '127.0.0.1');
  onCleanup(() => {
    socket.destroy();
  });
  const start = Date.now();
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    text += chunk;
  });
  socket.on('error', () => {});
  const ended = new Promise<{ ms: number; text: string }>((resolve) =>
    socket.on('close', () => resolve({ ms: Date.now() - start, text })),
  );
  return { send: (data) => socket.write(data), ended };
}

describe('HTTP door: idle connections', () => {
  // Real time: the limits are constants (10 s for headers, 5 s idle between requests), and
  // Node's default held a silent connection for up to 90 s: the test's 40 s would not do.
  it('hangs up on a connection that sends no request, or no next one, in time', async () => {
    const server = await startTestServer();
    const port = server.port('http');
    const silent = watch(port);
    const kept = watch(port);
    kept.send('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const [silentEnd, keptEnd] = await Promise.all([silent.ended, kept.ended]);
    // Headers not sent within 10 s (checked every second): 408, then the connection ends.
    expect(silentEnd.text).toMatch(/^HTTP\/1\.1 408/);
    // Idle after its answer: let go after the advertised 5 s (and Node's 1 s of slack).
    expect(keptEnd.text).toMatch(/^HTTP\/1\.1 200/);
    expect(keptEnd.text).toContain('Keep-Alive: timeout=5');
  }, 40_000);
});
