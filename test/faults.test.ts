import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { lineCodec } from '../src/protocols/line/codec.js';
import {
  capturingLogger,
  FramedClient,
  LineClient,
  onCleanup,
  startTestServer,
} from './helpers.js';

describe('bad input hurts nobody else', () => {
  it('discards an overlong line with an error and keeps the connection', async () => {
    const server = await startTestServer({ maxLineBytes: 1024 });
    const alice = await LineClient.join(server.port('line'), 'alice');
    const bob = await LineClient.join(server.port('line'), 'bob');
    alice.send(`too long ${'x'.repeat(2000)}`);
    await alice.waitFor(
      '!!! That line was longer than 1024 bytes; it was discarded. (LINE_TOO_LONG)',
    );
    alice.send('short one');
    await bob.waitFor('<alice> short one');
    expect(bob.sawLine(/too long/)).toBe(false);
  });

  it('closes a connection that sends 1 MiB without a newline; the others keep chatting', async () => {
    const server = await startTestServer();
    const flooder = await LineClient.join(server.port('line'), 'flooder');
    const bob = await LineClient.join(server.port('line'), 'bob');
    const carol = await LineClient.join(server.port('line'), 'carol');
    flooder.write(Buffer.alloc(1024 * 1024, 'a'));
    await flooder.waitFor(/^!!! More than 32768 bytes arrived without a newline/);
    await flooder.closed;
    await bob.waitFor(/^\*\*\* flooder left the chat/);
    carol.send('still here');
    await bob.waitFor('<carol> still here');
    expect(bob.sawLine(/aaaa/)).toBe(false);
  });

  it('rejects invalid UTF-8 with an error to the sender and never relays it', async () => {
    const server = await startTestServer();
    const alice = await LineClient.join(server.port('line'), 'alice');
    const bob = await LineClient.join(server.port('line'), 'bob');
    alice.write(Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe, 0x0a]));
    await alice.waitFor(/\(INVALID_UTF8\)$/);
    const framed = await FramedClient.connect(server.port('framed'));
    framed.send('dave');
    await framed.waitFor('*', 'Now talking in #lobby');
    framed.socket.write(
      Buffer.concat([Buffer.from('3         '), Buffer.from([0xc3, 0x28, 0x41])]),
    );
    await framed.waitFor('*', /\(INVALID_UTF8\)$/);
    alice.send('after');
    await bob.waitFor('<alice> after');
    expect(bob.received.some((line) => line.includes('bad') || line.includes('('))).toBe(false);
  });

  it('never lets control characters reach other terminals raw', async () => {
    const server = await startTestServer();
    const alice = await LineClient.join(server.port('line'), 'alice');
    const bob = await LineClient.join(server.port('line'), 'bob');
    const carol = await FramedClient.connect(server.port('framed'));
    carol.send('carol');
    await carol.waitFor('*', 'Now talking in #lobby');
    alice.send('\x1b[2J\x1b[31mred alert\x07');
    await bob.waitFor('<alice> ^[[2J^[[31mred alert^G');
    await carol.waitFor('alice', '^[[2J^[[31mred alert^G');
    alice.send('nul\0inside');
    await alice.waitFor('!!! Text cannot contain NUL, CR or LF characters. (TEXT_INVALID)');
    alice.send('carriage\rreturn');
    await alice.waitFor('!!! Text cannot contain NUL, CR or LF characters. (TEXT_INVALID)');
    alice.send('done');
    await bob.waitFor('<alice> done');
    const raw = ['\0', '\r', '\x1b', '\x07'];
    const hasRaw = (text: string) => raw.some((control) => text.includes(control));
    expect(bob.received.some(hasRaw)).toBe(false);
    expect(carol.received.some((pair) => hasRaw(pair.text))).toBe(false);
  });

  it('closes a framed connection whose length is not a number or is over the limit', async () => {
    const server = await startTestServer({ maxLineBytes: 4096 });
    const bob = await LineClient.join(server.port('line'), 'bob');
    const bad = await FramedClient.connect(server.port('framed'));
    bad.send('mallory');
    await bob.waitFor('*** mallory joined #lobby');
    bad.socket.write('hello worl');
    await bad.waitFor('*', /^error: A frame must start with its length.*\(FRAME_INVALID\)$/);
    await bad.closed;
    await bob.waitFor(/^\*\*\* mallory left the chat/);

    const big = await FramedClient.connect(server.port('framed'));
    big.socket.write('99999999  ');
    await big.waitFor('*', /this one claimed 99999999\. \(FRAME_TOO_LONG\)$/);
    await big.closed;
  });

  it('gives a taken or invalid nickname another chance without disconnecting', async () => {
    const server = await startTestServer();
    await LineClient.join(server.port('line'), 'alice');
    const second = await LineClient.connect(server.port('line'));
    second.send('ALICE');
    await second.waitFor('!!! The nickname "ALICE" is already taken. (NICK_TAKEN)');
    await second.waitFor('*** Choose another nickname:');
    second.send('-dash');
    await second.waitFor(/^!!! "-dash" is not a valid nickname/);
    second.send('x'.repeat(33));
    await second.waitFor(/^!!! Nickname is too long: at most 32 characters/);
    second.send('has space');
    await second.waitFor(/^!!! "has space" is not a valid nickname/);
    second.send('/nick al{ice}');
    await second.waitFor('*** Welcome to chatroom, al{ice}! Type /help for commands.');
    const framed = await FramedClient.connect(server.port('framed'));
    framed.send('Alice');
    await framed.waitFor('*', 'error: The nickname "Alice" is already taken. (NICK_TAKEN)');
    framed.send('bob');
    await framed.waitFor('*', 'Now talking in #lobby');
  });

  it('drops a client that stops reading, while the others keep chatting', async () => {
    const server = await startTestServer({ maxQueueBytes: 256 * 1024 });
    const sleeper = await LineClient.join(server.port('line'), 'sleeper');
    const alice = await LineClient.join(server.port('line'), 'alice');
    const bob = await LineClient.join(server.port('line'), 'bob');
    sleeper.socket.pause();
    const chunk = 'z'.repeat(7000);
    let sent = 0;
    // Enough to fill both kernel buffers and then the server's queue for the sleeper.
    while (!bob.sawLine(/^\*\*\* sleeper left the chat/)) {
      for (let i = 0; i < 50; i++) alice.send(`${sent++} ${chunk}`);
      await bob.waitFor(`<alice> ${sent - 1} ${chunk}`, 10_000);
      expect(sent).toBeLessThan(20_000);
    }
    expect(bob.sawLine('*** sleeper left the chat (Send queue exceeded 262144 bytes)')).toBe(true);
    alice.send('the room still works');
    await bob.waitFor('<alice> the room still works');
  });

  it('drops a connection that never gives a nickname', async () => {
    const server = await startTestServer({ nickTimeoutMs: 300 });
    const silent = await LineClient.connect(server.port('line'));
    await silent.waitFor('!!! No nickname was given in time; goodbye. (NICK_TIMEOUT)');
    await silent.closed;
    await expect.poll(() => server.chat.memberCount).toBe(0);
  });

  it('announces a reset connection as a normal leave', async () => {
    const server = await startTestServer();
    const alice = await LineClient.join(server.port('line'), 'alice');
    const bob = await LineClient.join(server.port('line'), 'bob');
    alice.socket.resetAndDestroy();
    await bob.waitFor('*** alice left the chat (Connection reset by peer)');
  });

  it('announces a kill -9 of a client process as a normal leave, and nothing else', async () => {
    const server = await startTestServer();
    const bob = await LineClient.join(server.port('line'), 'bob');
    const victim = spawn(
      process.execPath,
      [
        '-e',
        `const s = require('node:net').connect(${server.port('line')}, '127.0.0.1');
         s.write('victim\\n'); s.on('data', (d) => { if (String(d).includes('Now talking')) console.log('ready'); });`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    onCleanup(() => {
      victim.kill('SIGKILL');
    });
    await bob.waitFor('*** victim joined #lobby');
    victim.kill('SIGKILL');
    await bob.waitFor(
      /^\*\*\* victim left the chat \((Connection closed|Connection reset by peer)\)$/,
    );
    bob.send('/who');
    await bob.waitFor('*** #lobby has 1 member: bob');
    const afterJoin = bob.received.slice(bob.received.indexOf('*** victim joined #lobby') + 1);
    expect(afterJoin.filter((line) => line.includes('victim'))).toHaveLength(1);
  });

  it('logs one line per connect, disconnect and error, without message bodies', async () => {
    const { log, records } = capturingLogger();
    const server = await startTestServer({ log });
    const alice = await LineClient.join(server.port('line'), 'alice');
    const bob = await LineClient.join(server.port('line'), 'bob');
    alice.send('a secret message body');
    await bob.waitFor('<alice> a secret message body');
    alice.write(Buffer.from([0xff, 0x0a]));
    await alice.waitFor(/INVALID_UTF8/);
    alice.send('/quit');
    await alice.closed;
    await bob.waitFor(/alice left/);
    expect(records.filter((r) => r.event === 'connect')).toHaveLength(2);
    // The server sees the socket close a moment after it has told the room.
    await expect.poll(() => records.filter((r) => r.event === 'disconnect').length).toBe(1);
    const disconnects = records.filter((r) => r.event === 'disconnect');
    expect(disconnects).toHaveLength(1);
    expect(disconnects[0]).toMatchObject({ door: 'line', reason: 'Quit' });
    expect(records.filter((r) => r.event === 'error')).toMatchObject([{ code: 'INVALID_UTF8' }]);
    expect(JSON.stringify(records)).not.toContain('secret');
  });
});

describe('fan-out', () => {
  it('encodes a room message once per wire format, not once per recipient', async () => {
    const server = await startTestServer();
    const listeners = await Promise.all(
      Array.from({ length: 12 }, (_, i) => LineClient.join(server.port('line'), `listener${i}`)),
    );
    const speaker = await LineClient.join(server.port('line'), 'speaker');
    await listeners[0]!.waitFor('*** speaker joined #lobby');
    const encode = lineCodec.encode;
    let encodings = 0;
    lineCodec.encode = (entries) => {
      if (entries.some((entry) => entry.kind === 'chat')) encodings += 1;
      return encode(entries);
    };
    onCleanup(() => {
      lineCodec.encode = encode;
    });
    speaker.send('one encoding for all');
    await Promise.all(
      listeners.map((listener) => listener.waitFor('<speaker> one encoding for all')),
    );
    expect(encodings).toBe(1);
  });
});
