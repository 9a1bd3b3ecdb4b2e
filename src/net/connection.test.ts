import { performance } from 'node:perf_hooks';
import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log.js';
import { Connection } from './connection.js';
import { FlushScheduler } from './flush-scheduler.js';

/** A stream that is not a socket (as a TLS socket or an SSH channel is not): what it was given. */
function recordingStream(): { stream: Duplex; written: Buffer[] } {
  const written: Buffer[] = [];
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk);
      done();
    },
  });
  return { stream, written };
}

describe('Connection over any Duplex stream', () => {
  it("writes a turn's output in one write, and ends with the last word and a reason", async () => {
    const { stream, written } = recordingStream();
    const connection = new Connection(
      stream,
      'test',
      { maxQueueBytes: 1024, lingerMs: 50 },
      createLogger('silent'),
      new FlushScheduler(),
    );
    expect(connection.remote).toBe('?:?');
    const reasons: string[] = [];
    connection.onClose((reason) => reasons.push(reason));
    connection.send(Buffer.from('one\n'));
    connection.send(Buffer.from('two\n'));
    await connection.caughtUp();
    expect(written.map((chunk) => chunk.toString())).toEqual(['one\ntwo\n']);

    connection.end('Quit', Buffer.from('bye\n'));
    stream.push(null);
    await new Promise((resolve) => stream.once('close', resolve));
    expect(written.map((chunk) => chunk.toString())).toEqual(['one\ntwo\n', 'bye\n']);
    expect(reasons).toEqual(['Quit']);
  });
});

/** A peer that reads only when told to: what it has not taken stays queued on our side. */
function slowReader(): { stream: Duplex; take: () => void } {
  let pending: Array<() => void> = [];
  const stream = new Duplex({
    // Nothing buffered below us: every unread byte counts in writableLength.
    highWaterMark: 1,
    read() {},
    write(_chunk: Buffer, _encoding, done) {
      pending.push(done);
    },
  });
  const take = () => {
    const callbacks = pending;
    pending = [];
    for (const done of callbacks) done();
  };
  return { stream, take };
}

describe('the slow-consumer rule', () => {
  const limits = { maxQueueBytes: 100, slowClientTimeoutMs: 40 };
  const chunk = Buffer.alloc(150, 'x');
  const turn = () => new Promise((resolve) => setImmediate(resolve));

  it('keeps a client that is behind but reading, however long that lasts', async () => {
    const { stream, take } = slowReader();
    const connection = new Connection(
      stream,
      'test',
      limits,
      createLogger('silent'),
      new FlushScheduler(),
    );
    const started = performance.now();
    // Always one chunk behind (over the limit), for several timeouts, but reading each time.
    connection.send(chunk);
    await turn();
    while (performance.now() - started < limits.slowClientTimeoutMs * 4) {
      connection.send(chunk);
      await turn();
      take();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(connection.isClosing).toBe(false);
    connection.abort('test over');
  });

  it('drops a client that stays behind without reading for the timeout', async () => {
    const { stream } = slowReader();
    const connection = new Connection(
      stream,
      'test',
      limits,
      createLogger('silent'),
      new FlushScheduler(),
    );
    const closed = new Promise<string>((resolve) => connection.onClose(resolve));
    connection.send(chunk);
    await turn();
    connection.send(chunk);
    await turn();
    await new Promise((resolve) => setTimeout(resolve, limits.slowClientTimeoutMs + 10));
    connection.send(chunk);
    expect(await closed).toBe('Send queue exceeded 100 bytes');
  });
});
