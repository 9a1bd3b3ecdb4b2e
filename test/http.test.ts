import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestServer, tempDir } from './helpers.js';
import { WsClient } from './ws-client.js';

describe('HTTP', () => {
  it('lets browsers in from the same origin or an allowed one, and no others', async () => {
    const server = await startTestServer();
    const port = server.port('http');
    const same = await WsClient.connect(port, { origin: `http://127.0.0.1:${port}` });
    same.send({ type: 'ping' });
    await same.waitForType('pong');
    await expect(WsClient.connect(port, { origin: 'https://evil.example' })).rejects.toThrow(/403/);
    await expect(WsClient.connect(port, { path: '/elsewhere' })).rejects.toThrow(/404/);

    const listed = await startTestServer({ allowedOrigins: ['https://chat.example.org'] });
    const ok = await WsClient.connect(listed.port('http'), { origin: 'https://chat.example.org' });
    ok.send({ type: 'ping' });
    await ok.waitForType('pong');
    await expect(
      WsClient.connect(listed.port('http'), { origin: `http://127.0.0.1:${listed.port('http')}` }),
    ).rejects.toThrow(/403/);
  });

  it('reports health, with the store reachable or not', async () => {
    const server = await startTestServer();
    const healthy = await get(server.port('http'), '/healthz');
    expect(healthy.status).toBe(200);
    expect(healthy.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(healthy.body)).toMatchObject({
      status: 'ok',
      store: { backend: 'sqlite', reachable: true },
    });
    // The store starts failing (as a PostgreSQL that went away would).
    server.store.firstId = () => Promise.reject(new Error('connection refused'));
    // The last answer stands for a second; then the store is asked again.
    await expect
      .poll(async () => (await get(server.port('http'), '/healthz')).status, { timeout: 5000 })
      .toBe(503);
    const sick = await get(server.port('http'), '/healthz');
    expect(JSON.parse(sick.body)).toMatchObject({
      status: 'degraded',
      store: { reachable: false },
    });
  });

  it('answers /ws without an upgrade with 426, and closes clients with 1001 on shutdown', async () => {
    const server = await startTestServer();
    const plain = await get(server.port('http'), '/ws');
    expect(plain.status).toBe(426);
    const alice = await WsClient.join(server.port('http'), 'alice');
    await server.stop();
    await alice.waitFor({ type: 'notice', text: 'The server is shutting down. Goodbye!' });
    expect((await alice.closed).code).toBe(1001);
  });

  it('serves the web client with content types, and nothing outside it', async () => {
    const webRoot = tempDir();
    mkdirSync(join(webRoot, 'assets'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>chat</title>');
    writeFileSync(join(webRoot, 'assets', 'app-1a2b.js'), 'console.log(1)');
    writeFileSync(join(webRoot, 'assets', 'app-1a2b.css'), 'body{}');
    // A secret next to the web root, which no path may reach.
    writeFileSync(join(webRoot, '..', `${basename(webRoot)}.secret`), 'secret');
    const server = await startTestServer({ webRoot });
    const port = server.port('http');

    const index = await get(port, '/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-security-policy']).toContain("default-src 'self'");
    expect(index.body).toContain('<title>chat</title>');
    const script = await get(port, '/assets/app-1a2b.js?v=1');
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toContain('immutable');
    expect(script.body).toBe('console.log(1)');
    expect((await get(port, '/assets/app-1a2b.css')).headers['content-type']).toBe(
      'text/css; charset=utf-8',
    );
    const head = await get(port, '/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect((await get(port, '/', 'POST')).status).toBe(405);
    expect((await get(port, '/missing.js')).status).toBe(404);
    expect((await get(port, '/assets')).status).toBe(404);
    for (const path of [
      `/../${basename(webRoot)}.secret`,
      `/%2e%2e/${basename(webRoot)}.secret`,
      `/assets/..%2f..%2f${basename(webRoot)}.secret`,
      `/..%5c${basename(webRoot)}.secret`,
      '/index.html%00.js',
      '/%E0%A4%A',
    ]) {
      const response = await get(port, path);
      expect([400, 404], path).toContain(response.status);
      expect(response.body).not.toContain('secret');
    }
    rmSync(join(webRoot, '..', `${basename(webRoot)}.secret`));

    const unbuilt = await startTestServer({ webRoot: join(webRoot, 'nothing-here') });
    const missing = await get(unbuilt.port('http'), '/');
    expect(missing.status).toBe(503);
    expect(missing.body).toContain('npm run build');
  });

  it('survives a raw socket that speaks nonsense', async () => {
    const server = await startTestServer();
    const socket = connect(server.port('http'), '127.0.0.1');
    socket.on('error', () => {});
    socket.resume();
    socket.write('GARBAGE / NOT-HTTP\r\n\r\n');
    await new Promise((resolve) => socket.once('close', resolve));
    const alice = await WsClient.join(server.port('http'), 'alice');
    alice.send({ type: 'ping' });
    await alice.waitForType('pong');
    expect(alice.ws.readyState).toBe(WebSocket.OPEN);
  });
});

function get(
  port: number,
  path: string,
  method = 'GET',
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
