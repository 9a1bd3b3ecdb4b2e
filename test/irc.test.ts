import { describe, expect, it } from 'vitest';
import {
  escapeRegExp,
  IrcClient,
  LineClient,
  LOCAL_CLOAK,
  mask,
  sleep,
  startTestServer,
} from './helpers.js';

const S = ':irc.test';

describe('IRC registration', () => {
  it('welcomes with 001 to 005, LUSERS and the MOTD', async () => {
    const server = await startTestServer();
    const alice = await IrcClient.connect(server.port('irc'));
    alice.send('NICK alice');
    alice.send('USER alice 0 * :Alice Liddell');
    await alice.waitFor(`${S} 001 alice :Welcome to the chatroom IRC network, ${mask('alice')}`);
    await alice.waitFor(`${S} 002 alice :Your host is irc.test, running version chatroom`);
    await alice.waitFor(/^:irc\.test 003 alice :This server was created /);
    await alice.waitFor(`${S} 004 alice irc.test chatroom iow biklmnostv bklov`);
    const isupport = alice.received.filter((line) => line.startsWith(`${S} 005 alice `)).join(' ');
    for (const token of [
      'CASEMAPPING=ascii',
      'CHANTYPES=#',
      'NICKLEN=32',
      'CHANNELLEN=50',
      'TOPICLEN=390',
      'PREFIX=(ov)@+',
      'CHANMODES=b,k,l,imnst',
      'EXTBAN=,m',
      'MODES=20',
      'NETWORK=chatroom',
      'CHATHISTORY=500',
      'MSGREFTYPES=timestamp,msgid',
      'UTF8ONLY',
    ]) {
      expect(isupport).toContain(token);
    }
    await alice.waitFor(`${S} 251 alice :There are 1 users and 0 invisible on 1 servers`);
    await alice.waitFor(`${S} 254 alice 0 :channels formed`);
    await alice.waitFor(`${S} 375 alice :- irc.test Message of the day - `);
    await alice.waitFor(/^:irc\.test 372 alice :- This is chatroom/);
    await alice.waitFor(`${S} 376 alice :End of /MOTD command.`);
    // Registering does not put an IRC user in a channel: clients join what they want.
    alice.send('WHOIS alice');
    await alice.waitFor(`${S} 311 alice alice ~alice ${LOCAL_CLOAK} * :Alice Liddell`);
    expect(alice.sawLine(/ 319 /)).toBe(false);
  });

  it('sends 422 when there is no MOTD, and MOTD and LUSERS on request', async () => {
    const server = await startTestServer({ ircMotd: [] });
    const alice = await IrcClient.register(server.port('irc'), 'alice');
    expect(alice.sawLine(`${S} 422 alice :MOTD File is missing`)).toBe(true);
    const bob = await LineClient.join(server.port('line'), 'bob');
    alice.send('LUSERS');
    await alice.waitFor(`${S} 251 alice :There are 2 users and 0 invisible on 1 servers`);
    await alice.waitFor(`${S} 254 alice 1 :channels formed`);
    await alice.waitFor(`${S} 265 alice 2 2 :Current local users 2, max 2`);
    await alice.waitFor(`${S} 266 alice 2 2 :Current global users 2, max 2`);
    // The most there have been is kept when they go.
    bob.send('/quit');
    await bob.closed;
    alice.send('LUSERS');
    await alice.waitFor(`${S} 265 alice 1 2 :Current local users 1, max 2`);
    await alice.waitFor(`${S} 266 alice 1 2 :Current global users 1, max 2`);
    alice.send('MOTD');
    await alice.waitFor(`${S} 422 alice :MOTD File is missing`);
  });

  it('answers registration mistakes with the standard numerics', async () => {
    const server = await startTestServer();
    await LineClient.join(server.port('line'), 'Bob');
    const client = await IrcClient.connect(server.port('irc'));
    client.send('JOIN #lobby');
    await client.waitFor(`${S} 451 * :You have not registered`);
    client.send('FROBNICATE');
    await client.waitFor(`${S} 451 * :You have not registered`);
    client.send('NICK');
    await client.waitFor(`${S} 431 * :No nickname given`);
    client.send('NICK 9lives');
    await client.waitFor(`${S} 432 * 9lives :Erroneous nickname`);
    client.send('NICK bOB');
    await client.waitFor(`${S} 433 * bOB :Nickname is already in use`);
    client.send('USER carol 0 *');
    await client.waitFor(`${S} 461 * USER :Not enough parameters`);
    client.send('PASS whatever');
    client.send('USER carol 0 * :Carol');
    client.send('NICK carol');
    await client.waitFor(/^:irc\.test 001 carol /);
    client.send('USER carol 0 * :Carol');
    await client.waitFor(`${S} 462 carol :You may not reregister`);
    client.send('PASS again');
    await client.waitFor(`${S} 462 carol :You may not reregister`);
    client.send('FROBNICATE now');
    await client.waitFor(`${S} 421 carol FROBNICATE :Unknown command`);
  });

  it('holds registration during CAP negotiation until CAP END', async () => {
    const server = await startTestServer();
    const client = await IrcClient.connect(server.port('irc'));
    client.send('CAP LS 302');
    client.send('NICK alice');
    client.send('USER alice 0 * :Alice');
    await client.waitFor(
      `${S} CAP * LS :message-tags server-time away-notify echo-message multi-prefix batch draft/chathistory cap-notify`,
    );
    client.send('CAP REQ :server-time bogus-cap');
    await client.waitFor(`${S} CAP * NAK :server-time bogus-cap`);
    client.send('CAP REQ :server-time multi-prefix');
    await client.waitFor(`${S} CAP * ACK :server-time multi-prefix`);
    client.send('CAP LIST');
    await client.waitFor(`${S} CAP * LIST :server-time multi-prefix cap-notify`);
    client.send('CAP REQ :-multi-prefix');
    await client.waitFor(`${S} CAP * ACK :-multi-prefix`);
    client.send('CAP DANCE');
    await client.waitFor(`${S} 410 * DANCE :Invalid CAP command`);
    // Still not registered: the PONG comes after anything sent before it.
    client.send('PING :barrier');
    await client.waitFor(`${S} PONG irc.test :barrier`);
    expect(client.sawLine(/ 001 /)).toBe(false);
    client.send('CAP END');
    await client.waitFor(/^:irc\.test 001 alice /);
    client.send('CAP LIST');
    await client.waitFor(`${S} CAP alice LIST :server-time cap-notify`);
  });

  it('closes a connection that does not register in time', async () => {
    const server = await startTestServer({ nickTimeoutMs: 150 });
    const client = await IrcClient.connect(server.port('irc'));
    client.send('NICK slow');
    await client.waitFor('ERROR :Closing Link: * (Registration timed out)');
    await client.closed;
  });

  it('answers PING, pings a silent client, and drops it if it never answers', async () => {
    const server = await startTestServer({ ircPingIntervalMs: 150, ircPingTimeoutMs: 150 });
    const alice = await IrcClient.register(server.port('irc'), 'alice');
    const bob = await IrcClient.register(server.port('irc'), 'bob');
    await alice.join('#lobby');
    await bob.join('#lobby');
    alice.send('PING :are you there');
    await alice.waitFor(`${S} PONG irc.test :are you there`);
    // alice answers every PING; bob never does.
    alice.socket.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('PING irc.test')) alice.send('PONG :irc.test');
    });
    await bob.waitFor('PING irc.test');
    await alice.waitFor('PING irc.test');
    await bob.waitFor(/^ERROR :Closing Link: bob \(Ping timeout: \d+ seconds\)$/);
    await bob.closed;
    await alice.waitFor(
      /^:bob!~bob@[0-9a-v]{8}\.[0-9a-v]{8}\.cloak QUIT :Ping timeout: \d+ seconds$/,
    );
    // Several more rounds of PING, each answered: alice stays.
    for (let round = 0; round < 3; round++) await alice.waitFor('PING irc.test');
    alice.send('PING :still here');
    await alice.waitFor(`${S} PONG irc.test :still here`);
    expect(alice.socket.destroyed).toBe(false);
  });

  it('says goodbye with ERROR on QUIT and tells the channels', async () => {
    const server = await startTestServer();
    const alice = await IrcClient.register(server.port('irc'), 'alice');
    const bob = await IrcClient.register(server.port('irc'), 'bob');
    const carol = await LineClient.join(server.port('line'), 'carol');
    await alice.join('#lobby');
    await bob.join('#lobby');
    bob.send('QUIT :see you');
    await bob.waitFor('ERROR :Closing Link: bob (Quit: see you)');
    await bob.closed;
    await alice.waitFor(`:${mask('bob')} QUIT :see you`);
    await carol.waitFor('*** bob left the chat (see you)');
    const early = await IrcClient.connect(server.port('irc'));
    early.send('QUIT');
    await early.waitFor('ERROR :Closing Link: * (Quit)');
    await early.closed;
  });
});

describe('IRC channels', () => {
  it('joins several channels at once, with topic and names, and JOIN 0 leaves them all', async () => {
    const server = await startTestServer();
    const line = await LineClient.join(server.port('line'), 'zed');
    line.send('/topic welcome all');
    await line.waitFor('*** You set the topic of #lobby to: welcome all');
    const alice = await IrcClient.register(server.port('irc'), 'alice');
    alice.send('JOIN #lobby,#dev,bad');
    await alice.waitFor(`:${mask('alice')} JOIN #lobby`);
    await alice.waitFor(`${S} 332 alice #lobby :welcome all`);
    await alice.waitFor(
      /^:irc\.test 333 alice #lobby zed!~line@[0-9a-v]{8}\.[0-9a-v]{8}\.cloak \d+$/,
    );
    await alice.waitFor(`${S} 353 alice = #lobby :zed alice`);
    await alice.waitFor(`${S} 366 alice #lobby :End of /NAMES list`);
    await alice.waitFor(`:${mask('alice')} JOIN #dev`);
    await alice.waitFor(`${S} 353 alice = #dev :@alice`);
    await alice.waitFor(`${S} 403 alice bad :No such channel`);
    await line.waitFor('*** alice joined #lobby');
    alice.send('JOIN 0');
    await alice.waitFor(`:${mask('alice')} PART #lobby`);
    await alice.waitFor(`:${mask('alice')} PART #dev`);
    await line.waitFor('*** alice left #lobby');
    alice.send('JOIN');
    await alice.waitFor(`${S} 461 alice JOIN :Not enough parameters`);
  });

  it('lists every member on joining, over as many 353 lines as it takes', async () => {
    const server = await startTestServer();
    const crowd: IrcClient[] = [];
    for (let i = 0; i < 60; i++) {
      const client = await IrcClient.register(server.port('irc'), `member_with_a_long_nick${i}`);
      await client.join('#big');
      crowd.push(client);
    }
    const late = await IrcClient.register(server.port('irc'), 'late');
    await late.join('#big');
    const names = late.received
      .filter((line) => line.startsWith(`${S} 353 late = #big :`))
      .flatMap((line) => line.split(' :')[1]!.split(' '));
    expect(names).toHaveLength(61);
    for (const line of late.received) expect(Buffer.byteLength(line) + 2).toBeLessThanOrEqual(512);
  });

  it('parts with a reason, and refuses channels it is not on', async () => {
    const server = await startTestServer();
    const alice = await IrcClient.register(server.port('irc'), 'alice');
    const bob = await LineClient.join(server.port('line'), 'bob');
    await alice.join('#lobby');
    alice.send('PART #lobby :lunch time');
    await alice.waitFor(`:${mask('alice')} PART #lobby :lunch time`);
    await bob.waitFor('*** alice left #lobby (lunch time)');
    alice.send('PART #lobby');
    await alice.waitFor(`${S} 442 alice #lobby :You're not on that channel`);
    alice.send('PART #nowhere');
    await alice.waitFor(`${S} 403 alice #nowhere :No such channel`);
    alice.send('PART');
    await alice.waitFor(`${S} 461 alice PART :Not enough parameters`);
  });

  it('shows, sets and clears topics, and TOPIC errors', async () => {
    const server = await startTestServer();
    const alice = await IrcClient.register(server.port('irc'), 'alice');
    const bob = await LineClient.join(server.port('line'), 'bob');
    await alice.join('#lobby');
    alice.send('TOPIC #lobby');
    await alice.waitFor(`${S} 331 alice #lobby :No topic is set`);
    alice.send('TOPIC #lobby :Friday is demo day');
    await alice.waitFor(`:${mask('alice')} TOPIC #lobby :Friday is demo day`);
    await bob.waitFor('*** alice set the topic of #lobby to: Friday is demo day');
    bob.send('/topic line people set topics too');
    await alice.waitFor(`:${mask('bob', '~line')} TOPIC #lobby :line people set topics too`);
    alice.send('TOPIC #lobby');
    await alice.waitFor(`${S} 332 alice #lobby :line people set topics too`);
    await alice.waitFor(
      /^:irc\.test 333 alice #lobby bob!~line@[0-9a-v]{8}\.[0-9a-v]{8}\.cloak \d+$/,
    );
    alice.send('TOPIC #lobby :');
    await alice.waitFor(`:${mask('alice')} TOPIC #lobby :`);
    await bob.waitFor('*** alice cleared the topic of #lobby');
    bob.send('/join #other');
    await bob.waitFor('*** Now talking in #other');
    alice.send('TOPIC #other :not mine');
    await alice.waitFor(`${S} 442 alice #other :You're not on that channel`);
    alice.send('TOPIC #none');
    await alice.waitFor(`${S} 403 alice #none :No such channel`);
    alice.send('TOPIC');
    await alice.waitFor(`${S} 461 alice TOPIC :Not enough parameters`);
    // A topic longer than TOPICLEN is cut, and its 332 still fits in 512 bytes.
    alice.send(`TOPIC #lobby :${'é'.repeat(240)}`);
    await alice.waitFor(/ TOPIC #lobby :é+$/);
    alice.send('TOPIC #lobby');
    const reply = await alice.waitFor(/ 332 alice #lobby :/);
    expect(Buffer.byteLength(reply) + 2).toBeLessThanOrEqual(512);
  });

  it('answers NAMES, LIST, WHO and WHOIS', async () => {
    const server = await startTestServer();
    const alice = await IrcClient.register(server.port('irc'), 'alice');
    const bob = await LineClient.join(server.port('line'), 'bob');
    bob.send('/topic chat here');
    await bob.waitFor(/You set the topic/);
    await alice.join('#lobby');
    alice.send('NAMES #lobby,#nothing');
    await alice.waitFor(`${S} 353 alice = #lobby :bob alice`);
    await alice.waitFor(`${S} 366 alice #lobby :End of /NAMES list`);
    await alice.waitFor(`${S} 366 alice #nothing :End of /NAMES list`);
    alice.send('LIST');
    await alice.waitFor(`${S} 321 alice Channel :Users  Name`);
    await alice.waitFor(`${S} 322 alice #lobby 2 :chat here`);
    await alice.waitFor(`${S} 323 alice :End of /LIST`);
    alice.send('WHO #lobby');
    await alice.waitFor(`${S} 352 alice #lobby ~line ${LOCAL_CLOAK} irc.test bob H :0 line user`);
    await alice.waitFor(
      `${S} 352 alice #lobby ~alice ${LOCAL_CLOAK} irc.test alice H :0 alice the tester`,
    );
    await alice.waitFor(`${S} 315 alice #lobby :End of WHO list`);
    alice.send('WHO bob');
    await alice.waitFor(`${S} 352 alice * ~line ${LOCAL_CLOAK} irc.test bob H :0 line user`);
    await alice.waitFor(`${S} 315 alice bob :End of WHO list`);
    alice.send('WHOIS BOB');
    await alice.waitFor(`${S} 311 alice bob ~line ${LOCAL_CLOAK} * :line user`);
    await alice.waitFor(`${S} 319 alice bob :#lobby`);
    await alice.waitFor(`${S} 312 alice bob irc.test :chatroom (line door)`);
    await alice.waitFor(`${S} 318 alice bob :End of /WHOIS list`);
    alice.send('WHOIS nobody');
    await alice.waitFor(`${S} 401 alice nobody :No such nick/channel`);
    await alice.waitFor(`${S} 318 alice nobody :End of /WHOIS list`);
    alice.send('WHOIS');
    await alice.waitFor(`${S} 431 alice :No nickname given`);
  });

  it('answers MODE queries, refuses changes, and keeps +i users out of outsiders’ lists', async () => {
    const server = await startTestServer();
    const alice = await IrcClient.register(server.port('irc'), 'alice');
    const bob = await IrcClient.register(server.port('irc'), 'bob');
    await alice.join('#lobby');
    alice.send('MODE #lobby');
    await alice.waitFor(`${S} 324 alice #lobby +n`);
    await alice.waitFor(/^:irc\.test 329 alice #lobby \d+$/);
    alice.send('MODE #lobby b');
    await alice.waitFor(`${S} 368 alice #lobby :End of channel ban list`);
    alice.send('MODE #lobby -n');
    await alice.waitFor(`${S} 482 alice #lobby :You are not an operator of #lobby.`);
    alice.send('MODE #lobby +z');
    await alice.waitFor(`${S} 472 alice z :is unknown mode char to me`);
    alice.send('MODE #nowhere');
    await alice.waitFor(`${S} 403 alice #nowhere :No such channel`);
    alice.send('MODE alice');
    await alice.waitFor(`${S} 221 alice +`);
    alice.send('MODE bob +i');
    await alice.waitFor(`${S} 502 alice :Can't change mode for other users`);
    alice.send('MODE alice +ix');
    await alice.waitFor(':alice MODE alice :+i');
    await alice.waitFor(`${S} 501 alice :Unknown MODE flag`);
    alice.send('MODE alice');
    await alice.waitFor(`${S} 221 alice +i`);
    // bob is not in #lobby: invisible alice is left out of what he is shown.
    bob.send('NAMES #lobby');
    await bob.waitFor(`${S} 366 bob #lobby :End of /NAMES list`);
    expect(bob.sawLine(/ 353 /)).toBe(false);
    bob.send('LUSERS');
    await bob.waitFor(`${S} 251 bob :There are 1 users and 1 invisible on 1 servers`);
    await bob.join('#lobby');
    bob.send('NAMES #lobby');
    await bob.waitFor(`${S} 353 bob = #lobby :alice bob`);
    alice.send('MODE');
    await alice.waitFor(`${S} 461 alice MODE :Not enough parameters`);
  });
});

describe('IRC messages', () => {
  it('relays PRIVMSG to channels and nicks, with the error numerics', async () => {
    const server = await startTestServer();
    const alice = await IrcClient.register(server.port('irc'), 'alice');
    const bob = await IrcClient.register(server.port('irc'), 'bob');
    await alice.join('#lobby');
    await bob.join('#lobby');
    alice.send('PRIVMSG #lobby :hello there');
    await bob.waitFor(`:${mask('alice')} PRIVMSG #lobby :hello there`);
    alice.send('PRIVMSG Bob :just you');
    await bob.waitFor(`:${mask('alice')} PRIVMSG bob :just you`);
    bob.send('PRIVMSG alice,#lobby :both');
    await alice.waitFor(`:${mask('bob')} PRIVMSG alice :both`);
    await alice.waitFor(`:${mask('bob')} PRIVMSG #lobby :both`);
    alice.send('PRIVMSG nobody :hi');
    await alice.waitFor(`${S} 401 alice nobody :No such nick/channel`);
    alice.send('PRIVMSG #nowhere :hi');
    await alice.waitFor(`${S} 401 alice #nowhere :No such nick/channel`);
    bob.send('JOIN #private');
    await bob.waitFor(/ 366 bob #private /);
    alice.send('PRIVMSG #private :let me in');
    await alice.waitFor(`${S} 404 alice #private :Cannot send to channel`);
    alice.send('PRIVMSG');
    await alice.waitFor(`${S} 411 alice :No recipient given (PRIVMSG)`);
    alice.send('PRIVMSG #lobby');
    await alice.waitFor(`${S} 412 alice :No text to send`);
    alice.send('PRIVMSG #lobby :');
    await alice.waitFor(`${S} 412 alice :No text to send`);
    alice.send('PRIVMSG a,b,c,d,e :hi');
    await alice.waitFor(`${S} 407 alice a,b,c,d,e :Too many targets (at most 4)`);
    // No error ever answers a NOTICE; a good one is delivered.
    alice.send('NOTICE nobody :hi');
    alice.send('NOTICE #private :hi');
    alice.send('NOTICE bob :a notice');
    await bob.waitFor(`:${mask('alice')} NOTICE bob :a notice`);
    alice.send('PING :sync');
    await alice.waitFor(`${S} PONG irc.test :sync`);
    expect(alice.received.filter((line) => / (401|404) /.test(line))).toHaveLength(3);
    // Nobody hears their own message back without echo-message.
    expect(alice.sawLine(/PRIVMSG #lobby :hello there/)).toBe(false);
  });

  it('marks users away, answers messages to them with 301, and tells away-notify clients', async () => {
    const server = await startTestServer();
    const alice = await IrcClient.register(server.port('irc'), 'alice');
    const watcher = await IrcClient.register(server.port('irc'), 'watcher', ['away-notify']);
    const plain = await IrcClient.register(server.port('irc'), 'plain');
    for (const client of [alice, watcher, plain]) await client.join('#lobby');
    alice.send('AWAY :out for lunch');
    await alice.waitFor(`${S} 306 alice :You have been marked as being away`);
    await watcher.waitFor(`:${mask('alice')} AWAY :out for lunch`);
    plain.send('PRIVMSG alice :are you there?');
    await plain.waitFor(`${S} 301 plain alice :out for lunch`);
    plain.send('WHO alice');
    await plain.waitFor(
      `${S} 352 plain * ~alice ${LOCAL_CLOAK} irc.test alice G :0 alice the tester`,
    );
    plain.send('WHOIS alice');
    await plain.waitFor(`${S} 301 plain alice :out for lunch`);
    // Someone away who joins is announced as away to away-notify clients.
    alice.send('JOIN #dev');
    await alice.waitFor(/ 366 alice #dev /);
    watcher.send('JOIN #dev');
    await watcher.waitFor(/ 366 watcher #dev /);
    const late = await IrcClient.register(server.port('irc'), 'late', ['away-notify']);
    const away = await IrcClient.register(server.port('irc'), 'away2');
    away.send('AWAY :brb');
    await away.waitFor(/ 306 /);
    await late.join('#dev');
    away.send('JOIN #dev');
    await late.waitFor(`:${mask('away2')} JOIN #dev`);
    await late.waitFor(`:${mask('away2')} AWAY :brb`);
    alice.send('AWAY');
    await alice.waitFor(`${S} 305 alice :You are no longer marked as being away`);
    await watcher.waitFor(`:${mask('alice')} AWAY`);
    plain.send('PING :sync');
    await plain.waitFor(/ PONG /);
    expect(plain.sawLine(/ AWAY( |$)/)).toBe(false);
  });
});

describe('IRC capabilities', () => {
  it('server-time and message-tags add time and msgid tags only for those who asked', async () => {
    const server = await startTestServer();
    const tagged = await IrcClient.register(server.port('irc'), 'tagged', [
      'server-time',
      'message-tags',
    ]);
    const timeOnly = await IrcClient.register(server.port('irc'), 'timeonly', ['server-time']);
    const plain = await IrcClient.register(server.port('irc'), 'plain');
    const line = await LineClient.join(server.port('line'), 'liner');
    for (const client of [tagged, timeOnly, plain]) await client.join('#lobby');
    line.send('tagged message');
    const full = await tagged.waitFor(/PRIVMSG #lobby :tagged message$/);
    expect(full).toMatch(
      /^@msgid=#lobby\/1;time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z :liner!~line@[0-9a-v]{8}\.[0-9a-v]{8}\.cloak PRIVMSG #lobby :tagged message$/,
    );
    expect(await timeOnly.waitFor(/tagged message$/)).toMatch(/^@time=[^;]+Z :liner!/);
    expect(await plain.waitFor(/tagged message$/)).toBe(
      `:${mask('liner', '~line')} PRIVMSG #lobby :tagged message`,
    );
  });

  it('echo-message sends your own messages back, tagged like everyone else’s', async () => {
    const server = await startTestServer();
    const echo = await IrcClient.register(server.port('irc'), 'echo', [
      'echo-message',
      'message-tags',
    ]);
    const other = await IrcClient.register(server.port('irc'), 'other');
    await echo.join('#lobby');
    await other.join('#lobby');
    echo.send('PRIVMSG #lobby :me too');
    await echo.waitFor(`@msgid=#lobby/1 :${mask('echo')} PRIVMSG #lobby :me too`);
    echo.send('PRIVMSG other :direct');
    await echo.waitFor(
      /^@msgid=echo,other\/1 :echo!~echo@[0-9a-v]{8}\.[0-9a-v]{8}\.cloak PRIVMSG other :direct$/,
    );
    await other.waitFor(`:${mask('echo')} PRIVMSG other :direct`);
    other.send('PRIVMSG #lobby :mine');
    await echo.waitFor(/PRIVMSG #lobby :mine$/);
    expect(other.sawLine(/PRIVMSG #lobby :mine/)).toBe(false);
  });

  it('multi-prefix is accepted; with no channel prefixes here, names look the same', async () => {
    const server = await startTestServer();
    const multi = await IrcClient.register(server.port('irc'), 'multi', ['multi-prefix']);
    await multi.join('#lobby');
    expect(multi.sawLine(`${S} 353 multi = #lobby :multi`)).toBe(true);
  });

  it('replays the latest messages on joining: batched and timed for clients with the caps, time in the text for others', async () => {
    const server = await startTestServer();
    const line = await LineClient.join(server.port('line'), 'liner');
    line.send('/ids on');
    line.send('first');
    line.send('/me second');
    await line.waitFor('*** Sent @2 to #lobby');
    const modern = await IrcClient.register(server.port('irc'), 'modern', ['batch', 'server-time']);
    const plain = await IrcClient.register(server.port('irc'), 'plain');
    await modern.join('#lobby');
    await plain.join('#lobby');
    const start = await modern.waitFor(/^:irc\.test BATCH \+\S+ chathistory #lobby$/);
    const ref = start.split(' ')[2]!.slice(1);
    await modern.waitFor(
      new RegExp(
        `^@batch=${ref};time=\\S+ :${escapeRegExp(mask('liner', '~line'))} PRIVMSG #lobby :first$`,
      ),
    );
    await modern.waitFor(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: CTCP ACTION is delimited by \x01
      /:liner!~line@[0-9a-v]{8}\.[0-9a-v]{8}\.cloak PRIVMSG #lobby :\x01ACTION second\x01$/,
    );
    await modern.waitFor(`${S} BATCH -${ref}`);
    await plain.waitFor(
      /^:liner!~line@[0-9a-v]{8}\.[0-9a-v]{8}\.cloak PRIVMSG #lobby :\[\d{4}-\d\d-\d\d \d\d:\d\d\] first$/,
    );
    expect(plain.sawLine(/BATCH/)).toBe(false);
    // chathistory clients fetch history themselves: no replay.
    const fetcher = await IrcClient.register(server.port('irc'), 'fetcher', ['draft/chathistory']);
    await fetcher.join('#lobby');
    fetcher.send('PING :barrier');
    await fetcher.waitFor(`${S} PONG irc.test :barrier`);
    expect(fetcher.sawLine(/ PRIVMSG #lobby /)).toBe(false);
  });
});

describe('IRC chathistory', () => {
  async function withHistory(count: number) {
    const server = await startTestServer();
    const line = await LineClient.join(server.port('line'), 'liner');
    for (let i = 1; i <= count; i++) line.send(`message ${i}`);
    line.send('/ids on');
    line.send(`last`);
    await line.waitFor(`*** Sent @${count + 1} to #lobby`);
    const client = await IrcClient.register(server.port('irc'), 'reader', [
      'draft/chathistory',
      'batch',
      'server-time',
      'message-tags',
    ]);
    await client.join('#lobby');
    return { server, line, client };
  }

  /** Sends a CHATHISTORY request and returns the texts of the batch it gets back. */
  async function fetch(client: IrcClient, request: string): Promise<string[]> {
    client.send(request);
    const start = await client.waitFor(/ BATCH \+\S+ chathistory /);
    const ref = start.split(' ')[2]!.slice(1);
    await client.waitFor(`${S} BATCH -${ref}`);
    return client.received
      .filter((line) => line.startsWith(`@batch=${ref};`))
      .map((line) => line.split(' :').at(-1)!);
  }

  it('pages back with LATEST and BEFORE, forward with AFTER, and answers AROUND and BETWEEN', async () => {
    const { client } = await withHistory(30);
    const latest = await fetch(client, 'CHATHISTORY LATEST #lobby * 5');
    expect(latest).toEqual(['message 27', 'message 28', 'message 29', 'message 30', 'last']);
    const msgidOf27 = client.received
      .find((line) => line.endsWith(':message 27'))!
      .match(/msgid=([^; ]+)/)![1]!;
    expect(msgidOf27).toBe('#lobby/27');
    expect(await fetch(client, `CHATHISTORY BEFORE #lobby msgid=${msgidOf27} 3`)).toEqual([
      'message 24',
      'message 25',
      'message 26',
    ]);
    expect(await fetch(client, 'CHATHISTORY BEFORE #lobby msgid=#lobby/3 10')).toEqual([
      'message 1',
      'message 2',
    ]);
    expect(await fetch(client, 'CHATHISTORY AFTER #lobby msgid=#lobby/28 10')).toEqual([
      'message 29',
      'message 30',
      'last',
    ]);
    expect(await fetch(client, 'CHATHISTORY AROUND #lobby msgid=#lobby/10 4')).toEqual([
      'message 9',
      'message 10',
      'message 11',
      'message 12',
    ]);
    expect(
      await fetch(client, 'CHATHISTORY BETWEEN #lobby msgid=#lobby/5 msgid=#lobby/9 10'),
    ).toEqual(['message 6', 'message 7', 'message 8']);
    expect(
      await fetch(client, 'CHATHISTORY BETWEEN #lobby msgid=#lobby/20 msgid=#lobby/5 2'),
    ).toEqual(['message 18', 'message 19']);
    // What a client missed since the last message it saw.
    expect(await fetch(client, 'CHATHISTORY LATEST #lobby msgid=#lobby/29 100')).toEqual([
      'message 30',
      'last',
    ]);
    expect(await fetch(client, 'CHATHISTORY AFTER #lobby msgid=#lobby/31 10')).toEqual([]);
  });

  it('takes timestamps as references, between the messages said before and after', async () => {
    const server = await startTestServer();
    const line = await LineClient.join(server.port('line'), 'liner');
    line.send('/ids on');
    // Three groups of messages, far enough apart in time to tell them apart by timestamp.
    for (const group of ['a', 'b', 'c']) {
      for (let i = 1; i <= 3; i++) line.send(`${group}${i}`);
      await line.waitFor(`*** Sent @${{ a: 3, b: 6, c: 9 }[group]} to #lobby`);
      await sleep(30);
    }
    const client = await IrcClient.register(server.port('irc'), 'reader', [
      'draft/chathistory',
      'batch',
      'server-time',
    ]);
    await client.join('#lobby');
    expect(await fetch(client, 'CHATHISTORY LATEST #lobby * 9')).toHaveLength(9);
    const timeOf = (text: string) =>
      /time=([^; ]+)/.exec(client.received.find((line) => line.endsWith(` :${text}`))!)![1]!;
    const b1 = timeOf('b1');
    const b3 = timeOf('b3');
    expect(await fetch(client, `CHATHISTORY BEFORE #lobby timestamp=${b1} 10`)).toEqual([
      'a1',
      'a2',
      'a3',
    ]);
    expect(await fetch(client, `CHATHISTORY AFTER #lobby timestamp=${b3} 10`)).toEqual([
      'c1',
      'c2',
      'c3',
    ]);
    expect(await fetch(client, `CHATHISTORY LATEST #lobby timestamp=${b3} 2`)).toEqual([
      'c2',
      'c3',
    ]);
    const between = await fetch(
      client,
      `CHATHISTORY BETWEEN #lobby timestamp=${timeOf('a3')} timestamp=${timeOf('c1')} 10`,
    );
    expect(between).toEqual(['b1', 'b2', 'b3']);
    // Before the first message and after the last: nothing.
    expect(
      await fetch(client, 'CHATHISTORY BEFORE #lobby timestamp=2000-01-01T00:00:00.000Z 5'),
    ).toEqual([]);
    expect(
      await fetch(client, 'CHATHISTORY AFTER #lobby timestamp=2999-01-01T00:00:00.000Z 5'),
    ).toEqual([]);
    expect(
      await fetch(client, 'CHATHISTORY AFTER #lobby timestamp=2000-01-01T00:00:00.000Z 2'),
    ).toEqual(['a1', 'a2']);
  });

  it('reads private conversations, and refuses bad requests with FAIL', async () => {
    const { server, client } = await withHistory(2);
    const bob = await IrcClient.register(server.port('irc'), 'bob');
    bob.send('PRIVMSG reader :psst');
    await client.waitFor(/PRIVMSG reader :psst$/);
    client.send('PRIVMSG bob :what?');
    await bob.waitFor(/PRIVMSG bob :what\?$/);
    await sleep(50);
    const start = fetch(client, 'CHATHISTORY LATEST bob * 10');
    expect(await start).toEqual(['psst', 'what?']);
    expect(
      client.sawLine(/^@batch=\S+ :bob!~bob@[0-9a-v]{8}\.[0-9a-v]{8}\.cloak PRIVMSG reader :psst$/),
    ).toBe(true);
    expect(
      client.sawLine(
        /^@batch=\S+;msgid=bob,reader\/2;time=\S+ :reader!~reader@[0-9a-v]{8}\.[0-9a-v]{8}\.cloak PRIVMSG bob :what\?$/,
      ),
    ).toBe(true);

    for (const [request, reply] of [
      [
        'CHATHISTORY LATEST #lobby * 0',
        'FAIL CHATHISTORY INVALID_PARAMS LATEST :The limit must be a number from 1 to 500',
      ],
      [
        'CHATHISTORY LATEST #lobby * 501',
        'FAIL CHATHISTORY INVALID_PARAMS LATEST :The limit must be a number from 1 to 500',
      ],
      [
        'CHATHISTORY BEFORE #lobby * 10',
        'FAIL CHATHISTORY INVALID_PARAMS BEFORE :Message references are * (LATEST only), timestamp= or msgid= of a message of #lobby',
      ],
      [
        'CHATHISTORY BEFORE #lobby msgid=#other/3 10',
        'FAIL CHATHISTORY INVALID_PARAMS BEFORE :Message references are * (LATEST only), timestamp= or msgid= of a message of #lobby',
      ],
      [
        'CHATHISTORY BEFORE #lobby timestamp=yesterday 10',
        'FAIL CHATHISTORY INVALID_PARAMS BEFORE :Message references are * (LATEST only), timestamp= or msgid= of a message of #lobby',
      ],
      [
        'CHATHISTORY BETWEEN #lobby msgid=#lobby/1 10',
        'FAIL CHATHISTORY INVALID_PARAMS BETWEEN :Wrong number of parameters',
      ],
      [
        'CHATHISTORY TARGETS * * 10',
        'FAIL CHATHISTORY INVALID_PARAMS TARGETS :Unknown or unsupported subcommand',
      ],
      [
        'CHATHISTORY LATEST #secret * 10',
        'FAIL CHATHISTORY INVALID_TARGET LATEST #secret :You cannot read the history of that target',
      ],
      [
        'CHATHISTORY LATEST 9bad * 10',
        'FAIL CHATHISTORY INVALID_TARGET LATEST 9bad :You cannot read the history of that target',
      ],
      ['CHATHISTORY LATEST', `${S} 461 reader CHATHISTORY :Not enough parameters`],
    ]) {
      client.send(request!);
      await client.waitFor(reply!.startsWith(':') ? reply! : `${S} ${reply}`);
    }
  });

  it('sends a plain list without batch when the client lacks it', async () => {
    const server = await startTestServer();
    const line = await LineClient.join(server.port('line'), 'liner');
    line.send('only message');
    const client = await IrcClient.register(server.port('irc'), 'nobatch', ['draft/chathistory']);
    await client.join('#lobby');
    client.send('CHATHISTORY LATEST #lobby * 10');
    await client.waitFor(
      /^:liner!~line@[0-9a-v]{8}\.[0-9a-v]{8}\.cloak PRIVMSG #lobby :\[[\d :-]+\] only message$/,
    );
    expect(client.sawLine(/BATCH/)).toBe(false);
  });
});

describe('IRC and the server’s life', () => {
  it('tells IRC clients the server is shutting down, with a NOTICE and an ERROR', async () => {
    const server = await startTestServer();
    const alice = await IrcClient.register(server.port('irc'), 'alice');
    const stopped = server.stop();
    await alice.waitFor(`${S} NOTICE alice :The server is shutting down. Goodbye!`);
    await alice.waitFor('ERROR :Closing Link: alice (Server shutting down)');
    await alice.closed;
    await stopped;
  });
});
