import IRC from 'irc-framework';
import { describe, expect, it } from 'vitest';
import {
  FramedClient,
  IrcClient,
  LineClient,
  mask,
  onCleanup,
  sleep,
  startTestServer,
} from './helpers.js';
import { Waiters } from './wait.js';

type Events = {
  message: IRC_MessageEvent;
  join: { nick: string; channel: string };
  part: { nick: string; channel: string; message?: string };
  quit: { nick: string; message: string };
  nick: { nick: string; new_nick: string };
  topic: { channel: string; topic: string; nick?: string };
  userlist: { channel: string; users: Array<{ nick: string }> };
};
type IRC_MessageEvent = {
  type: 'privmsg' | 'action' | 'notice';
  nick: string;
  target: string;
  message: string;
  time?: number;
};

/** irc-framework, the library behind Kiwi IRC, driven as a bot would drive it. */
class Framework {
  readonly client = new IRC.Client({ auto_reconnect: false });
  private readonly seen: Array<{ name: keyof Events; event: Events[keyof Events] }> = [];
  private readonly waiters = new Waiters();

  static async connect(port: number, nick: string, echo = false): Promise<Framework> {
    const framework = new Framework();
    const registered = new Promise<void>((resolve) =>
      framework.client.on('registered', () => resolve()),
    );
    framework.client.connect({
      host: '127.0.0.1',
      port,
      nick,
      username: nick,
      gecos: `${nick} via irc-framework`,
      auto_reconnect: false,
      enable_echomessage: echo,
    });
    onCleanup(() => framework.client.quit('test over'));
    await registered;
    return framework;
  }

  constructor() {
    for (const name of ['message', 'join', 'part', 'quit', 'nick', 'topic', 'userlist'] as const) {
      this.client.on(name, (event) => {
        this.seen.push({ name, event });
        this.waiters.wake();
      });
    }
  }

  waitFor<K extends keyof Events>(
    name: K,
    test: (event: Events[K]) => boolean,
    timeoutMs = 5000,
  ): Promise<Events[K]> {
    return this.waiters.until(
      () => {
        const found = this.seen.find((item) => item.name === name && test(item.event as Events[K]));
        return found ? (found.event as Events[K]) : undefined;
      },
      () => new Error(`no ${name} event; saw ${JSON.stringify(this.seen, null, 1)}`),
      timeoutMs,
    );
  }
}

describe('a real IRC client library (irc-framework)', () => {
  it('registers, negotiates caps, joins, and chats with line and framed users both ways', async () => {
    const server = await startTestServer();
    const line = await LineClient.join(server.port('line'), 'liner');
    const bot = await Framework.connect(server.port('irc'), 'bot');
    expect(bot.client.network.name).toBe('chatroom');
    expect(bot.client.network.cap.enabled).toEqual(
      expect.arrayContaining([
        'server-time',
        'message-tags',
        'batch',
        'multi-prefix',
        'away-notify',
      ]),
    );
    bot.client.join('#lobby');
    const names = await bot.waitFor('userlist', (event) => event.channel === '#lobby');
    expect(names.users.map((user) => user.nick).sort()).toEqual(['bot', 'liner']);
    await line.waitFor('*** bot joined #lobby');

    line.send('hello bot');
    const heard = await bot.waitFor('message', (event) => event.message === 'hello bot');
    expect(heard).toMatchObject({ type: 'privmsg', nick: 'liner', target: '#lobby' });
    expect(Math.abs(heard.time! - Date.now())).toBeLessThan(5000);
    bot.client.say('#lobby', 'hello liner');
    await line.waitFor('<bot> hello liner');

    line.send('/me waves');
    await bot.waitFor('message', (e) => e.type === 'action' && e.message === 'waves');
    bot.client.action('#lobby', 'waves back');
    await line.waitFor('* bot waves back');

    const framed = await FramedClient.connect(server.port('framed'));
    framed.send('framer');
    await bot.waitFor('join', (e) => e.nick === 'framer' && e.channel === '#lobby');
    framed.send('from the tutorial');
    await bot.waitFor('message', (e) => e.nick === 'framer' && e.message === 'from the tutorial');
    bot.client.say('framer', 'just for you');
    await framed.waitFor('(private) bot', 'just for you');
    line.send('/msg bot a secret');
    await bot.waitFor('message', (e) => e.target === 'bot' && e.message === 'a secret');
    bot.client.say('liner', 'secret back');
    await line.waitFor('*bot* secret back');

    bot.client.setTopic('#lobby', 'set from irc');
    await line.waitFor('*** bot set the topic of #lobby to: set from irc');
    line.send('/topic set from the line');
    await bot.waitFor('topic', (e) => e.topic === 'set from the line' && e.nick === 'liner');

    line.send('/nick liner2');
    await bot.waitFor('nick', (e) => e.nick === 'liner' && e.new_nick === 'liner2');
    bot.client.changeNick('bot2');
    await line.waitFor('*** bot is now known as bot2');

    line.send('/join #dev');
    await line.waitFor('*** Now talking in #dev');
    bot.client.join('#dev');
    await line.waitFor('*** bot2 joined #dev');
    line.send('/part #dev bye dev');
    await bot.waitFor('part', (e) => e.nick === 'liner2' && e.message === 'bye dev');
    bot.client.part('#dev', 'me too');
    line.send('/join #dev');
    await line.waitFor('*** Now talking in #dev');
    line.send('/quit gone now');
    await bot.waitFor('quit', (e) => e.nick === 'liner2' && e.message === 'gone now');
  });

  it('gets its own messages back with echo-message, and WHOIS reads other doors’ users', async () => {
    const server = await startTestServer();
    const line = await LineClient.join(server.port('line'), 'liner');
    const bot = await Framework.connect(server.port('irc'), 'echoer', true);
    expect(bot.client.network.cap.enabled).toContain('echo-message');
    bot.client.join('#lobby');
    await bot.waitFor('userlist', (event) => event.channel === '#lobby');
    bot.client.say('#lobby', 'echo me');
    await bot.waitFor('message', (e) => e.nick === 'echoer' && e.message === 'echo me');
    await line.waitFor('<echoer> echo me');
    const whois = await new Promise<{ nick: string; real_name?: string; channels?: string }>(
      (resolve) => bot.client.whois('liner', resolve),
    );
    expect(whois).toMatchObject({ nick: 'liner', real_name: 'line user', channels: '#lobby' });
  });
});

describe('one world across the doors', () => {
  it('carries IRC joins, parts, quits, nick changes and messages to line users', async () => {
    const server = await startTestServer();
    const line = await LineClient.join(server.port('line'), 'liner');
    const irc = await IrcClient.register(server.port('irc'), 'ircer');
    await irc.join('#lobby');
    await line.waitFor('*** ircer joined #lobby');
    irc.send('PRIVMSG #lobby :hi from irc');
    await line.waitFor('<ircer> hi from irc');
    irc.send('PRIVMSG liner :\x01ACTION whispers\x01');
    await line.waitFor('*ircer* * ircer whispers');
    irc.send('NICK ircer2');
    await irc.waitFor(`:${mask('ircer')} NICK ircer2`);
    await line.waitFor('*** ircer is now known as ircer2');
    irc.send('NICK liner');
    await irc.waitFor(`:irc.test 433 ircer2 liner :Nickname is already in use`);
    irc.send('PART #lobby :brb');
    await line.waitFor('*** ircer2 left #lobby (brb)');
    await irc.join('#lobby');
    irc.send('QUIT :bye all');
    await line.waitFor('*** ircer2 left the chat (bye all)');
  });

  it('shares one nickname space, compared with ASCII case folding', async () => {
    const server = await startTestServer();
    await IrcClient.register(server.port('irc'), 'Alice');
    const line = await LineClient.connect(server.port('line'));
    line.send('ALICE');
    await line.waitFor('!!! The nickname "ALICE" is already taken. (NICK_TAKEN)');
    const irc = await IrcClient.connect(server.port('irc'));
    irc.send('NICK alice');
    await irc.waitFor(':irc.test 433 * alice :Nickname is already in use');
  });
});

describe('no injection, and size limits', () => {
  it('never lets CR, LF or NUL from another door reach an IRC client as a line', async () => {
    const server = await startTestServer();
    const irc = await IrcClient.register(server.port('irc'), 'victim');
    await irc.join('#lobby');
    const line = await LineClient.join(server.port('line'), 'attacker');
    // A lone CR inside a line is the line door's text; the core refuses it.
    line.write('hi\rQUIT :forged\n');
    await line.waitFor(/\(TEXT_INVALID\)$/);
    line.write('/topic a\rKICK #lobby victim\n');
    await line.waitFor(/\(TEXT_INVALID\)$/);
    line.write('/part #lobby x\r\u0000JOIN #evil\n');
    const framed = await FramedClient.connect(server.port('framed'));
    framed.send('framer');
    await framed.waitFor('*', 'Now talking in #lobby');
    framed.send('one\r\nPRIVMSG victim :forged');
    await framed.waitFor('*', /TEXT_INVALID/);
    framed.send('two\u0000QUIT');
    await framed.waitFor('*', /TEXT_INVALID/);
    line.send('/join #lobby');
    line.send('clean');
    await irc.waitFor(`:${mask('attacker', '~line')} PRIVMSG #lobby :clean`);
    // The part reason keeps its words (the core turned the CR and NUL into spaces), inside
    // one PART line; nothing else the attackers sent arrived at all.
    expect(irc.sawLine(`:${mask('attacker', '~line')} PART #lobby :x  JOIN #evil`)).toBe(true);
    for (const received of irc.received) {
      expect(received).not.toMatch(/[\r\0]/);
      const [, command, params] = /^:(?:attacker|framer)!\S+ (\S+) (.*)$/.exec(received) ?? [];
      if (command === undefined) continue;
      expect(['JOIN', 'PART', 'PRIVMSG']).toContain(command);
      if (command !== 'PART') expect(params).toMatch(/^#lobby( :clean)?$/);
    }
  });

  it('keeps CTCP between IRC clients: no request or reply crosses doors, no loop', async () => {
    const server = await startTestServer();
    const alice = await IrcClient.register(server.port('irc'), 'alice');
    await alice.join('#lobby');
    const bob = await IrcClient.register(server.port('irc'), 'bob');
    await bob.join('#lobby');
    const line = await LineClient.join(server.port('line'), 'carol');
    // A reply relayed as a message would reach alice as a new request, which her client
    // would answer: a loop between two IRC clients, every turn of it stored.
    alice.send('PRIVMSG #lobby :\x01VERSION\x01');
    bob.send('NOTICE alice :\x01VERSION irssi 1.4\x01');
    alice.send('PRIVMSG #lobby :\x01ACTION waves\x01');
    await line.waitFor('* alice waves');
    await bob.waitFor(`:${mask('alice')} PRIVMSG #lobby :\x01ACTION waves\x01`);
    expect(line.received.filter((text) => text.includes('VERSION'))).toEqual([]);
    expect(bob.received.filter((text) => text.includes('VERSION'))).toEqual([]);
    expect(alice.received.filter((text) => text.includes('VERSION'))).toEqual([]);
    // From another door, \x01 reaches IRC clients shown, not as a CTCP they would act on.
    line.send('\x01VERSION\x01');
    await alice.waitFor(`:${mask('carol', '~line')} PRIVMSG #lobby :^AVERSION^A`);
    expect((await server.store.latest('#lobby', 10)).map((m) => m.text)).toEqual([
      'waves',
      '\x01VERSION\x01',
    ]);
  });

  it('splits a long message from another door over several lines of at most 512 bytes', async () => {
    const server = await startTestServer();
    const irc = await IrcClient.register(server.port('irc'), 'reader', [
      'server-time',
      'message-tags',
    ]);
    await irc.join('#lobby');
    const line = await LineClient.join(server.port('line'), 'writer');
    const words = Array.from({ length: 700 }, (_, i) => `wörd${i}`);
    const text = words.join(' ');
    line.send(text);
    await irc.waitFor(/wörd699$/);
    const pieces = irc.received.filter((l) => l.includes(' PRIVMSG #lobby :'));
    expect(pieces.length).toBeGreaterThan(5);
    for (const piece of pieces) {
      const body = piece.replace(/^@\S+ /, '');
      expect(Buffer.byteLength(body) + 2).toBeLessThanOrEqual(512);
    }
    expect(
      pieces
        .map((piece) =>
          piece
            .replace(/^@\S+ /, '')
            .split(' :')
            .slice(1)
            .join(' :'),
        )
        .join(''),
    ).toBe(text);
    const ids = pieces.map((piece) => /msgid=([^; ]+)/.exec(piece)![1]);
    expect(new Set(ids).size).toBe(pieces.length);
  });

  it('answers 417 to an overlong line, closes on 16 KiB, and never relays invalid UTF-8 or NUL', async () => {
    const server = await startTestServer();
    const irc = await IrcClient.register(server.port('irc'), 'sender');
    await irc.join('#lobby');
    const line = await LineClient.join(server.port('line'), 'listener');
    irc.send(`PRIVMSG #lobby :${'x'.repeat(600)}`);
    await irc.waitFor(':irc.test 417 sender :Input line was too long');
    irc.write(
      Buffer.concat([
        Buffer.from('PRIVMSG #lobby :bad '),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('\r\n'),
      ]),
    );
    await irc.waitFor(
      ':irc.test FAIL PRIVMSG INVALID_UTF8 :Message rejected: it was not valid UTF-8',
    );
    irc.write('PRIVMSG #lobby :nul\u0000here\r\n');
    await irc.waitFor(':irc.test 400 sender PRIVMSG :Message rejected: it contained a NUL byte');
    // 4094 bytes of client tags are allowed on top of the 512.
    irc.send(`@+x=${'t'.repeat(4000)} PRIVMSG #lobby :tagged but fine`);
    await line.waitFor('<sender> tagged but fine');
    irc.send('PRIVMSG #lobby :still here');
    await line.waitFor('<sender> still here');
    expect(line.sawLine(/x{600}|bad|nul/)).toBe(false);
    irc.write(Buffer.alloc(16 * 1024, 'y'));
    await irc.waitFor('ERROR :Closing Link: sender (Input line over 16 KiB)');
    await irc.closed;
    await line.waitFor(/^\*\*\* sender left the chat/);
  });

  it('keeps a slow IRC reader from growing the server’s memory', async () => {
    const server = await startTestServer({ maxQueueBytes: 64 * 1024 });
    const slow = await IrcClient.register(server.port('irc'), 'slow');
    await slow.join('#lobby');
    slow.socket.pause();
    const line = await LineClient.join(server.port('line'), 'talker');
    const text = 'z'.repeat(4000);
    // Enough to fill both kernel buffers and then the server's queue for the slow reader.
    let sent = 0;
    while (!line.sawLine(/^\*\*\* slow left the chat/)) {
      for (let i = 0; i < 50; i++) line.send(`${sent++} ${text}`);
      line.send('/ping-barrier');
      await line.waitFor(/Unknown command \/ping-barrier/, 10_000);
      expect(sent).toBeLessThan(20_000);
    }
    expect(line.sawLine(/^\*\*\* slow left the chat \(Send queue exceeded 65536 bytes\)$/)).toBe(
      true,
    );
    await sleep(10);
  });
});
