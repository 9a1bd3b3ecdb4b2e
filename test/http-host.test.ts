import { request } from 'node:http';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { startTestServer } from './helpers.js';
import { WsClient } from './ws-client.js';

/** GET with the Host header a browser would send; resolves with the status. */
function statusFor(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const sent = request({ host: '127.0.0.1', port, path, headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    sent.on('error', reject);
    sent.end();
  });
}

describe('the HTTP door and host names (DNS rebinding)', () => {
  it('refuses a WebSocket for a page whose name was made to point here, even from its own origin', async () => {
    const server = await startTestServer();
    const port = server.port('http');
    const attacker = `attacker.example:${port}`;
    await expect(
      WsClient.connect(port, { host: attacker, origin: `http://${attacker}` }),
    ).rejects.toThrow(/421/);
    expect(await statusFor(port, '/', attacker)).toBe(421);
    expect(await statusFor(port, '/healthz', attacker)).toBe(421);
  });

  it.each([
    ['an address', (port: number) => `127.0.0.1:${port}`],
    ['localhost', (port: number) => `localhost:${port}`],
    ['LOCALHOST without a port', () => 'LOCALHOST'],
    ["this machine's name", (port: number) => `${hostname()}:${port}`],
    ['an IPv6 address', (port: number) => `[::1]:${port}`],
  ])('answers %s', async (_name, host) => {
    const server = await startTestServer();
    const port = server.port('http');
    const client = await WsClient.connect(port, {
      host: host(port),
      origin: `http://${host(port)}`,
    });
    client.send({ type: 'ping' });
    await client.waitForType('pong');
    expect(await statusFor(port, '/healthz', host(port))).toBe(200);
  });

  it('answers the names given with --public-host, or any with *', async () => {
    const named = await startTestServer({ publicHosts: ['chat.example.org'] });
    const port = named.port('http');
    const client = await WsClient.connect(port, {
      host: 'chat.example.org',
      origin: 'http://chat.example.org',
    });
    client.send({ type: 'ping' });
    await client.waitForType('pong');
    expect(await statusFor(port, '/healthz', 'Chat.Example.ORG')).toBe(200);
    expect(await statusFor(port, '/healthz', 'chat.example.org')).toBe(200);
    expect(await statusFor(port, '/healthz', 'chat.example.org.')).toBe(200);
    expect(await statusFor(port, '/healthz', 'other.example.org')).toBe(421);

    const any = await startTestServer({ publicHosts: ['*'] });
    expect(await statusFor(any.port('http'), '/healthz', 'anything.example')).toBe(200);
  });

  it('tells the operator what to do', async () => {
    const server = await startTestServer();
    const port = server.port('http');
    const body = await new Promise<string>((resolve, reject) => {
      const sent = request(
        { host: '127.0.0.1', port, path: '/', headers: { host: 'chat.example.org' } },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          response.on('end', () => resolve(text));
        },
      );
      sent.on('error', reject);
      sent.end();
    });
    expect(body).toContain('--public-host');
  });
});
