import { describe, expect, it } from 'vitest';
import { startTestServer } from './helpers.js';
import { WsClient } from './ws-client.js';

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
