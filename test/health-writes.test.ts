import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { startTestServer } from './helpers.js';
import { WsClient } from './ws-client.js';

function health(port: number): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('/healthz and writes', () => {
  it('is degraded while the last write failed, though reads work, and ok once one succeeds', async () => {
    const server = await startTestServer();
    const port = server.port('http');
    const store = server.store;
    if (!(store instanceof SqliteStore)) throw new Error('the test server stores in SQLite');
    const alice = await WsClient.join(port, 'alice');

    alice.send({ type: 'send', to: '#lobby', text: 'one', ref: 'r1' });
    await alice.waitForType('ack', { ref: 'r1' });
    const fine = await health(port);
    expect(fine.status).toBe(200);
    expect(fine.body).toMatchObject({
      status: 'ok',
      reason: null,
      store: { reachable: true, lastWrite: { ok: true } },
    });

    // The database takes reads but refuses every write, as on a full disk or a read-only file.
    store.db.pragma('query_only = ON');
    alice.send({ type: 'send', to: '#lobby', text: 'two', ref: 'r2' });
    await alice.waitForType('error', { code: 'STORE_FAILED', ref: 'r2' });
    const failing = await health(port);
    expect(failing.status).toBe(503);
    expect(failing.body).toMatchObject({
      status: 'degraded',
      reason: 'The last write to the store failed (SQLITE_READONLY).',
      store: { reachable: true, lastWrite: { ok: false, error: 'SQLITE_READONLY' } },
    });

    store.db.pragma('query_only = OFF');
    alice.send({ type: 'send', to: '#lobby', text: 'three', ref: 'r3' });
    await alice.waitForType('ack', { ref: 'r3' });
    const recovered = await health(port);
    expect(recovered.status).toBe(200);
    expect(recovered.body).toMatchObject({ status: 'ok', store: { lastWrite: { ok: true } } });
  });
});
