import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { LineClient, startTestServer } from './helpers.js';
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

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
