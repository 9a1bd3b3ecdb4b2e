import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { LineClient, startTestServer, tempDir } from './helpers.js';
import { WsClient } from './ws-client.js';

describe('WebSocket API: heartbeat', () => {
  it('drops a client that never answers pings, freeing its nickname; keeps one that does', async () => {
    const server = await startTestServer({ wsHeartbeatMs: 100 });
    const port = server.port('http');
    // A raw socket: it completes the handshake and says hello, then answers nothing, as a
    // peer that vanished without closing would.
    const ghost = connect(port, '127.0.0.1');
    ghost.write(
      'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    const hello = Buffer.from(JSON.stringify({ type: 'hello', nick: 'ghost' }));
    // FIN + text, masked with an all-zero key (so the payload goes as it is).
    ghost.write(Buffer.concat([Buffer.from([0x81, 0x80 | hello.length, 0, 0, 0, 0]), hello]));
    const gone = new Promise<void>((resolve) => ghost.on('close', () => resolve()));
    ghost.on('error', () => {});
    // It reads (or it would never see the server hang up), but it never answers.
    ghost.resume();
    const alive = await WsClient.join(port, 'alive');
    await expect.poll(() => server.chat.findMember('ghost') !== undefined).toBe(true);
    await gone;
    await expect.poll(() => server.chat.findMember('ghost')).toBeUndefined();
    // The ws client answers pings by itself: it is still there many intervals later.
    let pinged = 0;
    alive.ws.on('ping', () => pinged++);
    await expect.poll(() => pinged, { timeout: 5_000 }).toBeGreaterThanOrEqual(5);
    alive.send({ type: 'ping', ref: 'barrier' });
    await alive.waitFor({ type: 'pong', ref: 'barrier' });
    expect(alive.ws.readyState).toBe(WebSocket.OPEN);
    const again = await WsClient.join(port, 'ghost');
    expect(again.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe('WebSocket API: chatting', () => {
  it('says hello, joins the lobby, and relays messages with id, room, sender and time', async () => {
    const server = await startTestServer({ httpPort: 0 });
    const port = server.port('http');
    const alice = await WsClient.connect(port);
    alice.send({ type: 'hello', nick: 'alice' });
    await alice.waitFor({ type: 'welcome', nick: 'alice', serverName: 'chatroom' });
    await alice.waitFor({ type: 'join', room: '#lobby', nick: 'alice' });
    await alice.waitFor({ type: 'members', room: '#lobby', nicks: ['alice'], total: 1 });
    await alice.waitFor({ type: 'current-room', room: '#lobby' });
    const bob = await WsClient.join(port, 'bob');
    await alice.waitFor({ type: 'join', room: '#lobby', nick: 'bob' });

    const before = Date.now();
    alice.send({ type: 'send', to: '#lobby', text: 'hello bob', ref: 'r1' });
    const ack = await alice.waitForType('ack', { ref: 'r1' });
    const message = await bob.waitForType('message', { text: 'hello bob' });
    expect(message).toEqual({
      type: 'message',
      id: ack.id,
      room: '#lobby',
      from: 'alice',
      text: 'hello bob',
      action: false,
      time: ack.time,
    });
    expect(ack.to).toBe('#lobby');
    expect(message.time).toBeGreaterThanOrEqual(before);
    // The sender is acknowledged, not echoed.
    expect(alice.saw({ type: 'message', text: 'hello bob' })).toBe(false);

    alice.send({ type: 'send', to: '#lobby', text: 'waves', action: true });
    const action = await bob.waitForType('message', { text: 'waves' });
    expect(action.action).toBe(true);
    expect(action.id).toBe(ack.id + 1);
    // Without a ref the ack still comes, with ref null.
    await alice.waitFor({ type: 'ack', ref: null, id: ack.id + 1 });
  });

  it('sends private messages to both ends, acknowledged', async () => {
    const server = await startTestServer();
    const alice = await WsClient.join(server.port('http'), 'alice');
    const bob = await WsClient.join(server.port('http'), 'Bob');
    alice.send({ type: 'send', to: 'bob', text: 'psst', ref: 'p1' });
    const got = await bob.waitForType('private', { text: 'psst' });
    expect(got).toMatchObject({ from: 'alice', to: 'Bob', action: false });
    const copy = await alice.waitForType('private', { text: 'psst' });
    expect(copy.id).toBe(got.id);
    await alice.waitFor({ type: 'ack', ref: 'p1', id: got.id, to: 'bob', time: got.time });
    alice.send({ type: 'send', to: 'nobody', text: 'hello?', ref: 'p2' });
    await alice.waitFor({ type: 'error', code: 'NO_SUCH_NICK', ref: 'p2' });
  });

  it('joins, parts, lists rooms and members, sets and shows topics, changes nick', async () => {
    const server = await startTestServer();
    const port = server.port('http');
    const alice = await WsClient.join(port, 'alice');
    const bob = await WsClient.join(port, 'bob');
    alice.send({ type: 'join', room: '#dev' });
    await alice.waitFor({ type: 'join', room: '#dev', nick: 'alice' });
    await alice.waitFor({ type: 'current-room', room: '#dev' });
    bob.send({ type: 'join', room: '#DEV' });
    await alice.waitFor({ type: 'join', room: '#dev', nick: 'bob' });

    alice.send({ type: 'topic', room: '#dev', topic: 'shipping friday' });
    await bob.waitFor({ type: 'topic', room: '#dev', nick: 'alice', topic: 'shipping friday' });
    bob.send({ type: 'topic', room: '#dev' });
    await bob.waitFor({ type: 'topic-is', room: '#dev', topic: 'shipping friday', setBy: 'alice' });

    bob.send({ type: 'members', room: '#dev' });
    await bob.waitFor({ type: 'members', room: '#dev', nicks: ['alice', 'bob'], total: 2 });
    bob.send({ type: 'rooms' });
    const list = await bob.waitForType('room-list');
    expect(list.rooms).toEqual([
      { name: '#dev', members: 2, topic: 'shipping friday', createdBy: 'alice' },
      { name: '#lobby', members: 2, topic: '', createdBy: 'alice' },
    ]);

    bob.send({ type: 'part', room: '#dev', reason: 'lunch' });
    await alice.waitFor({ type: 'part', room: '#dev', nick: 'bob', reason: 'lunch' });
    bob.send({ type: 'send', to: '#dev', text: 'still here?', ref: 'x' });
    await bob.waitFor({ type: 'error', code: 'NOT_IN_ROOM', ref: 'x' });

    alice.send({ type: 'nick', nick: 'alicia' });
    await bob.waitFor({ type: 'nick', oldNick: 'alice', newNick: 'alicia' });
    alice.send({ type: 'nick', nick: 'bob', ref: 'n' });
    await alice.waitFor({ type: 'error', code: 'NICK_TAKEN', ref: 'n' });
    alice.send({ type: 'join', room: 'no spaces', ref: 'j' });
    await alice.waitFor({ type: 'error', code: 'ROOM_INVALID', ref: 'j' });
  });

  it('pages history before and after an id, and searches', async () => {
    const server = await startTestServer();
    const alice = await WsClient.join(server.port('http'), 'alice');
    for (let i = 1; i <= 30; i++) {
      alice.send({
        type: 'send',
        to: '#lobby',
        text: i === 7 ? 'the deploy is on friday' : `message ${i}`,
        ref: `m${i}`,
      });
    }
    await alice.waitFor({ type: 'ack', ref: 'm30', id: 30 });

    alice.send({ type: 'history', target: '#lobby', limit: 10 });
    const latest = await alice.waitForType('history', { reason: 'request' });
    expect(latest.messages.map((m) => m.id)).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
    expect(latest).toMatchObject({ target: '#lobby', private: false, more: true, gap: null });
    expect(latest.messages[0]).toMatchObject({ from: 'alice', text: 'message 21', action: false });
    expect(typeof latest.messages[0]!.time).toBe('number');

    alice.send({ type: 'history', target: '#lobby', before: 21, limit: 15 });
    const older = await alice.waitForType('history', { reason: 'request' });
    expect(older.messages.map((m) => m.id)).toEqual(range(6, 20));
    expect(older.more).toBe(true);
    alice.send({ type: 'history', target: '#lobby', before: 6, limit: 15 });
    const oldest = await alice.waitForType('history', { reason: 'request' });
    expect(oldest.messages.map((m) => m.id)).toEqual(range(1, 5));
    expect(oldest.more).toBe(false);

    alice.send({ type: 'history', target: '#lobby', after: 25, limit: 3 });
    const newer = await alice.waitForType('history', { reason: 'request' });
    expect(newer.messages.map((m) => m.id)).toEqual([26, 27, 28]);
    expect(newer.more).toBe(true);

    alice.send({ type: 'history', target: '#lobby', before: 5, after: 1, ref: 'h' });
    await alice.waitFor({ type: 'error', code: 'BAD_ARGUMENTS', ref: 'h' });

    alice.send({ type: 'search', room: '#lobby', query: 'deploy friday' });
    const found = await alice.waitForType('history', { reason: 'search' });
    expect(found.messages).toMatchObject([{ id: 7, text: 'the deploy is on friday' }]);
  });

  it('lets a line client and a WebSocket client talk to each other', async () => {
    const server = await startTestServer();
    const web = await WsClient.join(server.port('http'), 'webby');
    const line = await LineClient.join(server.port('line'), 'liner');
    await web.waitFor({ type: 'join', room: '#lobby', nick: 'liner' });
    line.send('hi from the terminal');
    await web.waitFor({ type: 'message', from: 'liner', text: 'hi from the terminal' });
    web.send({ type: 'send', to: '#lobby', text: 'hi from the browser <b>' });
    await line.waitFor('<webby> hi from the browser <b>');
    web.send({ type: 'send', to: 'liner', text: 'just you' });
    await line.waitFor('*webby* just you');
    line.send('/me nods');
    await web.waitFor({ type: 'message', from: 'liner', text: 'nods', action: true });
    line.send('/quit bye all');
    await web.waitFor({ type: 'quit', nick: 'liner', reason: 'bye all' });
  });

  it('answers ping, and closes with 1000 on quit, telling the rooms', async () => {
    const server = await startTestServer();
    const alice = await WsClient.join(server.port('http'), 'alice');
    const bob = await WsClient.join(server.port('http'), 'bob');
    alice.send({ type: 'ping', ref: 'are you there' });
    await alice.waitFor({ type: 'pong', ref: 'are you there' });
    alice.send({ type: 'quit', reason: 'gotta go' });
    await bob.waitFor({ type: 'quit', nick: 'alice', reason: 'gotta go' });
    expect((await alice.closed).code).toBe(1000);
  });

  it('stamps joins, parts, topics and quits with server time, after the messages before them', async () => {
    const server = await startTestServer();
    const port = server.port('http');
    const alice = await WsClient.join(port, 'alice');
    alice.send({ type: 'join', room: '#dev' });
    alice.send({ type: 'topic', room: '#dev', topic: 'release' });
    alice.send({ type: 'send', to: '#dev', text: 'said before bob came', ref: 's' });
    const said = await alice.waitForType('ack', { ref: 's' });
    const bob = await WsClient.join(port, 'bob');
    bob.send({ type: 'join', room: '#dev' });
    const joined = await bob.waitForType('join', { room: '#dev', nick: 'bob' });
    const topic = await bob.waitForType('topic-is', { room: '#dev' });
    const replay = await bob.waitForType('history', { target: '#dev', reason: 'join' });
    expect(replay.messages.map((m) => m.time)).toEqual([said.time]);
    // The replay comes after the join event, but was said before it: the times say so.
    expect(joined.time).toBeGreaterThanOrEqual(said.time);
    expect(topic.time).toBeGreaterThanOrEqual(joined.time ?? Number.NaN);
    const seen = await alice.waitForType('join', { room: '#dev', nick: 'bob' });
    expect(seen.time).toBeTypeOf('number');
    bob.send({ type: 'part', room: '#dev' });
    expect((await alice.waitForType('part', { nick: 'bob' })).time).toBeTypeOf('number');
    bob.send({ type: 'quit' });
    expect((await alice.waitForType('quit', { nick: 'bob' })).time).toBeTypeOf('number');
  });
});

describe('WebSocket API: retries and resuming', () => {
  it('stores a retried send with the same ref once, across a reconnect', async () => {
    const server = await startTestServer();
    const port = server.port('http');
    const bob = await WsClient.join(port, 'bob');
    const first = await WsClient.join(port, 'alice');
    first.send({ type: 'send', to: '#lobby', text: 'only once', ref: 'uuid-1' });
    const ack = await first.waitForType('ack', { ref: 'uuid-1' });
    // Same connection, same ref: the same answer, nothing new stored.
    first.send({ type: 'send', to: '#lobby', text: 'only once', ref: 'uuid-1' });
    await first.waitFor({ type: 'ack', ref: 'uuid-1', id: ack.id });
    first.ws.terminate();
    await bob.waitForType('quit', { nick: 'alice' });

    const again = await WsClient.join(port, 'alice');
    again.send({ type: 'send', to: '#lobby', text: 'only once', ref: 'uuid-1' });
    await again.waitFor({ type: 'ack', ref: 'uuid-1', id: ack.id, time: ack.time });
    again.send({ type: 'send', to: '#lobby', text: 'a new one', ref: 'uuid-2' });
    await again.waitFor({ type: 'ack', ref: 'uuid-2', id: ack.id + 1 });
    const stored = await server.store.latest('#lobby', 10);
    expect(stored.map((m) => m.text)).toEqual(['only once', 'a new one']);
    expect(bob.received.filter((m) => m.type === 'message' && m.text === 'only once')).toHaveLength(
      1,
    );
  });

  it('does not put a returning client back in the lobby it had left', async () => {
    const server = await startTestServer();
    const port = server.port('http');
    const alice = await WsClient.join(port, 'alice');
    const back = await WsClient.connect(port);
    back.send({ type: 'hello', nick: 'bob', resume: [{ room: '#dev', after: 0 }] });
    await back.waitFor({ type: 'history', target: '#dev', reason: 'resume' });
    alice.send({ type: 'members', room: '#lobby' });
    const lobby = await alice.waitForType('members', { room: '#lobby' });
    expect(lobby.nicks).toEqual(['alice']);
    expect(server.chat.findRoom('#dev')?.members.size).toBe(1);
  });

  it('resumes rooms in hello: what was missed, exactly once, then live', async () => {
    const server = await startTestServer({ historyOnJoin: 5 });
    const port = server.port('http');
    const alice = await WsClient.join(port, 'alice');
    const bob = await WsClient.join(port, 'bob');
    bob.send({ type: 'join', room: '#dev' });
    await bob.waitFor({ type: 'current-room', room: '#dev' });
    for (const text of ['one', 'two']) alice.send({ type: 'send', to: '#lobby', text, ref: text });
    await bob.waitFor({ type: 'message', text: 'two' });
    bob.ws.terminate();
    await alice.waitForType('quit', { nick: 'bob' });
    alice.send({ type: 'join', room: '#dev' });
    for (let i = 3; i <= 8; i++) alice.send({ type: 'send', to: '#lobby', text: `missed ${i}` });
    alice.send({ type: 'send', to: '#dev', text: 'dev missed', ref: 'dev' });
    await alice.waitForType('ack', { ref: 'dev' });

    const back = await WsClient.connect(port);
    back.send({
      type: 'hello',
      nick: 'bob',
      resume: [
        { room: '#lobby', after: 2 },
        { room: '#dev', after: 0 },
      ],
    });
    const lobby = await back.waitForType('history', { target: '#lobby' });
    expect(lobby.reason).toBe('resume');
    expect(lobby.messages.map((m) => m.text)).toEqual(range(3, 8).map((i) => `missed ${i}`));
    expect(lobby.gap).toBeNull();
    const dev = await back.waitForType('history', { target: '#dev' });
    expect(dev).toMatchObject({ reason: 'resume', messages: [{ id: 1, text: 'dev missed' }] });
    alice.send({ type: 'send', to: '#lobby', text: 'live again' });
    await back.waitFor({ type: 'message', text: 'live again', id: 9 });
    // No join replay of the lobby doubled the resumed messages.
    expect(back.received.filter((m) => m.type === 'history')).toHaveLength(2);
    const lobbyIds = back.received.flatMap((m) =>
      m.type === 'history' && m.target === '#lobby'
        ? m.messages.map((x) => x.id)
        : m.type === 'message' && m.room === '#lobby'
          ? [m.id]
          : [],
    );
    expect(lobbyIds).toEqual(range(3, 9));
  });

  it('reports a gap when retention dropped messages asked for', async () => {
    const server = await startTestServer();
    const alice = await WsClient.join(server.port('http'), 'alice');
    for (let i = 1; i <= 10; i++) alice.send({ type: 'send', to: '#lobby', text: `m${i}` });
    await alice.waitFor({ type: 'ack', id: 10 });
    await server.store.prune({ maxPerTarget: 3 });
    alice.send({ type: 'resume', room: '#lobby', after: 2 });
    const resumed = await alice.waitForType('history', { reason: 'resume' });
    expect(resumed.gap).toEqual({ from: 3, to: 7 });
    expect(resumed.messages.map((m) => m.id)).toEqual([8, 9, 10]);
  });
});

describe('WebSocket API: bad input', () => {
  it('answers each bad message with an error to its sender only, never relaying it', async () => {
    const server = await startTestServer();
    const port = server.port('http');
    const alice = await WsClient.join(port, 'alice');
    const bob = await WsClient.join(port, 'bob');
    const cases: Array<[string, Record<string, unknown>]> = [
      ['{"type":"send","to":"#lobby","text":"unterminated', { code: 'JSON_INVALID', ref: null }],
      ['["send","#lobby","hi"]', { code: 'JSON_INVALID', ref: null }],
      ['42', { code: 'JSON_INVALID', ref: null }],
      ['null', { code: 'JSON_INVALID', ref: null }],
      ['{"text":"no type"}', { code: 'BAD_ARGUMENTS', ref: null }],
      ['{"type":"dance","ref":"d1"}', { code: 'UNKNOWN_TYPE', ref: 'd1' }],
      ['{"type":"send","to":"#lobby","ref":"s1"}', { code: 'BAD_ARGUMENTS', ref: 's1' }],
      ['{"type":"send","to":"#lobby","text":5,"ref":"s2"}', { code: 'BAD_ARGUMENTS', ref: 's2' }],
      [
        '{"type":"send","to":"#lobby","text":"x","action":"yes","ref":"s3"}',
        { code: 'BAD_ARGUMENTS', ref: 's3' },
      ],
      ['{"type":"send","to":"#lobby","text":"x","ref":7}', { code: 'BAD_ARGUMENTS', ref: null }],
      [
        `{"type":"send","to":"#lobby","text":"x","ref":"${'r'.repeat(65)}"}`,
        { code: 'BAD_ARGUMENTS' },
      ],
      ['{"type":"send","to":"#lobby","text":"a\\nb","ref":"s4"}', { code: 'TEXT_INVALID' }],
      ['{"type":"send","to":"#lobby","text":"   ","ref":"s5"}', { code: 'BAD_ARGUMENTS' }],
      ['{"type":"history","target":"#lobby","before":-1}', { code: 'BAD_ARGUMENTS' }],
      ['{"type":"resume","room":"#lobby","after":1.5}', { code: 'BAD_ARGUMENTS' }],
      ['{"type":"hello","nick":"again"}', { code: 'BAD_ARGUMENTS' }],
    ];
    for (const [raw, error] of cases) {
      alice.sendRaw(raw);
      const got = await alice.waitForType('error');
      expect(got, raw).toMatchObject(error);
    }
    alice.send({ type: 'send', to: '#lobby', text: 'after all that' });
    await bob.waitFor({ type: 'message', text: 'after all that' });
    expect(bob.received.filter((m) => m.type === 'message')).toHaveLength(1);
    expect(bob.saw({ type: 'error' })).toBe(false);
  });

  it('refuses everything but hello, ping and quit before a nickname', async () => {
    const server = await startTestServer();
    const port = server.port('http');
    const bob = await WsClient.join(port, 'bob');
    const anon = await WsClient.connect(port);
    anon.send({ type: 'send', to: '#lobby', text: 'sneaky', ref: 'a' });
    await anon.waitFor({ type: 'error', code: 'NICK_REQUIRED', ref: 'a' });
    for (const message of [
      { type: 'rooms', ref: 'b' },
      { type: 'join', room: '#lobby', ref: 'c' },
      { type: 'history', target: '#lobby', ref: 'd' },
    ] as const) {
      anon.send(message);
      await anon.waitFor({ type: 'error', code: 'NICK_REQUIRED', ref: message.ref });
    }
    anon.send({ type: 'ping', ref: 'p' });
    await anon.waitFor({ type: 'pong', ref: 'p' });
    anon.send({ type: 'hello', nick: 'bob', ref: 'h' });
    await anon.waitFor({ type: 'error', code: 'NICK_TAKEN', ref: 'h' });
    anon.send({ type: 'hello', nick: '9lives', ref: 'h2' });
    await anon.waitFor({ type: 'error', code: 'NICK_INVALID', ref: 'h2' });
    anon.send({ type: 'hello', nick: 'carol' });
    await anon.waitFor({ type: 'welcome', nick: 'carol' });
    expect(bob.saw({ type: 'message' })).toBe(false);
  });

  it('closes with 1009 on an oversized message, 1007 on invalid UTF-8, 1003 on binary', async () => {
    const server = await startTestServer();
    const port = server.port('http');
    const bob = await WsClient.join(port, 'bob');

    const big = await WsClient.join(port, 'big');
    big.send({ type: 'send', to: '#lobby', text: 'x'.repeat(70 * 1024) });
    expect((await big.closed).code).toBe(1009);

    const garbled = await WsClient.join(port, 'garbled');
    // A text frame whose payload is not UTF-8: ws on the client side sends buffers as given.
    garbled.sendRaw(
      Buffer.concat([
        Buffer.from('{"type":"send","to":"#lobby","text":"'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('"}'),
      ]),
    );
    expect((await garbled.closed).code).toBe(1007);

    const binary = await WsClient.join(port, 'binary');
    binary.sendRaw(Buffer.from('{"type":"send","to":"#lobby","text":"bin"}'), { binary: true });
    expect((await binary.closed).code).toBe(1003);

    for (const nick of ['big', 'garbled', 'binary']) await bob.waitForType('quit', { nick });
    expect(bob.saw({ type: 'message' })).toBe(false);
    const carol = await WsClient.join(port, 'carol');
    carol.send({ type: 'send', to: '#lobby', text: 'still fine' });
    await bob.waitFor({ type: 'message', text: 'still fine' });
  });

  it('closes with 4000 when no hello comes in time', async () => {
    const server = await startTestServer({ nickTimeoutMs: 200 });
    const silent = await WsClient.connect(server.port('http'));
    await silent.waitFor({ type: 'error', code: 'NICK_TIMEOUT' });
    expect((await silent.closed).code).toBe(4000);
    await expect.poll(() => server.chat.memberCount).toBe(0);
  });

  it('drops a client that stops reading, while the others keep chatting', async () => {
    const server = await startTestServer({ maxQueueBytes: 256 * 1024 });
    const port = server.port('http');
    const sleeper = await WsClient.join(port, 'sleeper');
    const alice = await WsClient.join(port, 'alice');
    const bob = await WsClient.join(port, 'bob');
    sleeper.ws.pause();
    const chunk = 'z'.repeat(7000);
    let sent = 0;
    // Enough to fill both kernel buffers and then the server's queue for the sleeper.
    while (!bob.saw({ type: 'quit', nick: 'sleeper' })) {
      for (let i = 0; i < 50; i++) {
        alice.send({ type: 'send', to: '#lobby', text: `${sent++} ${chunk}` });
      }
      await bob.waitFor({ type: 'message', text: `${sent - 1} ${chunk}` }, 10_000);
      expect(sent).toBeLessThan(20_000);
    }
    // Already read past by the waits above: the quit may come in the middle of a burst.
    expect(
      bob.saw({ type: 'quit', nick: 'sleeper', reason: 'Send queue exceeded 262144 bytes' }),
    ).toBe(true);
    alice.send({ type: 'send', to: '#lobby', text: 'the room still works' });
    await bob.waitFor({ type: 'message', text: 'the room still works' });
  });
});

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

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

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
