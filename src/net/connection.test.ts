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
      { maxQueueBytes: 1024 },
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
