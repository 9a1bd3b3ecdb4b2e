import { describe, expect, it } from 'vitest';
import { ircTestbed } from '../testing/test-client.js';

/** Fixed, so the times in 329 and 333 are known. */
const NOW = 1_700_000_000_000;

/**
 * JOIN, PART, PRIVMSG and TOPIC run against a real Chat, without sockets: each row is the
 * lines one client sends (after alice and bob register, alice is in #a, bob away) and the
 * lines it is sent back.
 */
async function setUp() {
  const bed = ircTestbed({ now: () => NOW, maxTopicLength: 20 });
  const alice = await bed.registered('alice');
  const bob = await bed.registered('bob');
  await alice.run('JOIN #a');
  await bob.run('AWAY :at lunch');
  alice.lines.length = 0;
  bob.lines.length = 0;
  return { ...bed, alice, bob };
}

type Row = [what: string, lines: string[], replies: string[]];

async function replies(who: 'alice' | 'bob', lines: string[]) {
  const bed = await setUp();
  const client = bed[who];
  const sent: string[] = [];
  for (const line of lines) sent.push(...(await client.run(line)));
  return { ...bed, sent };
}

describe('JOIN', () => {
  it.each<Row>([
    [
      'a new channel: JOIN, then the names (no topic yet)',
      ['JOIN #new'],
      [
        ':bob!~bob@user.test JOIN #new',
        ':irc.test 353 bob = #new :bob',
        ':irc.test 366 bob #new :End of /NAMES list',
      ],
    ],
    [
      'a channel with people in it: every name',
      ['JOIN #A'],
      [
        ':bob!~bob@user.test JOIN #a',
        ':irc.test 353 bob = #a :alice bob',
        ':irc.test 366 bob #a :End of /NAMES list',
      ],
    ],
    [
      'several at once, one bad name among them',
      ['JOIN #x,nohash,#y'],
      [
        ':bob!~bob@user.test JOIN #x',
        ':irc.test 353 bob = #x :bob',
        ':irc.test 366 bob #x :End of /NAMES list',
        ':irc.test 403 bob nohash :No such channel',
        ':bob!~bob@user.test JOIN #y',
        ':irc.test 353 bob = #y :bob',
        ':irc.test 366 bob #y :End of /NAMES list',
      ],
    ],
    ['no channel', ['JOIN'], [':irc.test 461 bob JOIN :Not enough parameters']],
    [
      'JOIN 0 leaves every channel',
      ['JOIN #x', 'JOIN #y', 'JOIN 0'],
      [
        ':bob!~bob@user.test JOIN #x',
        ':irc.test 353 bob = #x :bob',
        ':irc.test 366 bob #x :End of /NAMES list',
        ':bob!~bob@user.test JOIN #y',
        ':irc.test 353 bob = #y :bob',
        ':irc.test 366 bob #y :End of /NAMES list',
        ':bob!~bob@user.test PART #x',
        ':bob!~bob@user.test PART #y',
      ],
    ],
  ])('%s', async (_, lines, expected) => {
    const { sent } = await replies('bob', lines);
    expect(sent).toEqual(expected);
  });

  it('is refused before registration', async () => {
    const { connect } = ircTestbed();
    expect(await connect().run('JOIN #a')).toEqual([':irc.test 451 * :You have not registered']);
  });

  it('tells the channel, and the joiner is in it', async () => {
    const { alice, bob, chat } = await setUp();
    await bob.run('JOIN #a');
    expect(alice.lines).toEqual([':bob!~bob@user.test JOIN #a']);
    expect(chat.isIn(bob.member, '#a')).toBe(true);
  });
});

describe('PART', () => {
  it.each<Row>([
    ['a channel that does not exist', ['PART #nope'], [':irc.test 403 bob #nope :No such channel']],
    ['a channel one is not on', ['PART #a'], [":irc.test 442 bob #a :You're not on that channel"]],
    ['no channel', ['PART'], [':irc.test 461 bob PART :Not enough parameters']],
  ])('%s', async (_, lines, expected) => {
    const { sent } = await replies('bob', lines);
    expect(sent).toEqual(expected);
  });

  it('tells the channel why, and the parter is out', async () => {
    const { alice, bob, chat } = await setUp();
    await bob.run('JOIN #a');
    alice.lines.length = 0;
    expect(await bob.run('PART #A :see you')).toEqual([':bob!~bob@user.test PART #a :see you']);
    expect(alice.lines).toEqual([':bob!~bob@user.test PART #a :see you']);
    expect(chat.isIn(bob.member, '#a')).toBe(false);
  });
});

describe('PRIVMSG and NOTICE', () => {
  it.each<Row>([
    ['to a channel one is in: nothing back', ['PRIVMSG #a :hi'], []],
    [
      'to a channel one is not in',
      ['PRIVMSG #b :hi'],
      [':irc.test 401 alice #b :No such nick/channel'],
    ],
    ['to a user who is away: 301', ['PRIVMSG BOB :hi'], [':irc.test 301 alice bob :at lunch']],
    ['to nobody', ['PRIVMSG carol :hi'], [':irc.test 401 alice carol :No such nick/channel']],
    ['no recipient', ['PRIVMSG'], [':irc.test 411 alice :No recipient given (PRIVMSG)']],
    ['no text', ['PRIVMSG #a'], [':irc.test 412 alice :No text to send']],
    [
      'too many targets',
      ['PRIVMSG a,b,c,d,e :hi'],
      [':irc.test 407 alice a,b,c,d,e :Too many targets (at most 4)'],
    ],
    ['a NOTICE to nobody: never an error', ['NOTICE carol :hi'], []],
    ['a NOTICE to a channel one is not in', ['NOTICE #b :hi'], []],
    ['CTCP other than ACTION is dropped', ['PRIVMSG bob :\x01VERSION\x01'], []],
  ])('%s', async (_, lines, expected) => {
    const { sent } = await replies('alice', lines);
    expect(sent).toEqual(expected);
  });

  it('is refused in a channel one is not in', async () => {
    const { bob } = await setUp();
    expect(await bob.run('PRIVMSG #a :hi')).toEqual([
      ':irc.test 404 bob #a :Cannot send to channel',
    ]);
  });

  it('reaches the channel and the user, actions included', async () => {
    const { alice, bob } = await setUp();
    await bob.run('JOIN #a');
    bob.lines.length = 0;
    await alice.run('PRIVMSG #a :hello');
    await alice.run('PRIVMSG #a :\x01ACTION waves\x01');
    await alice.run('NOTICE bob :psst');
    expect(bob.lines).toEqual([
      ':alice!~alice@user.test PRIVMSG #a :hello',
      ':alice!~alice@user.test PRIVMSG #a :\x01ACTION waves\x01',
      ':alice!~alice@user.test NOTICE bob :psst',
    ]);
  });
});

describe('TOPIC', () => {
  it.each<Row>([
    [
      'of a channel that does not exist',
      ['TOPIC #nope'],
      [':irc.test 403 alice #nope :No such channel'],
    ],
    ['none set', ['TOPIC #a'], [':irc.test 331 alice #a :No topic is set']],
    [
      'set, then shown: who set it and when',
      ['TOPIC #a :plans', 'TOPIC #a'],
      [
        ':alice!~alice@user.test TOPIC #a :plans',
        ':irc.test 332 alice #a :plans',
        ':irc.test 333 alice #a alice!~alice@user.test 1700000000',
      ],
    ],
    [
      'cut to TOPICLEN, not refused',
      ['TOPIC #a :0123456789012345678901234'],
      [':alice!~alice@user.test TOPIC #a :01234567890123456789'],
    ],
    [
      'cleared',
      ['TOPIC #a :plans', 'TOPIC #a :', 'TOPIC #a'],
      [
        ':alice!~alice@user.test TOPIC #a :plans',
        ':alice!~alice@user.test TOPIC #a :',
        ':irc.test 331 alice #a :No topic is set',
      ],
    ],
    ['no channel', ['TOPIC'], [':irc.test 461 alice TOPIC :Not enough parameters']],
  ])('%s', async (_, lines, expected) => {
    const { sent } = await replies('alice', lines);
    expect(sent).toEqual(expected);
  });

  it('may be read from outside, but not set', async () => {
    const { alice, bob } = await setUp();
    await alice.run('TOPIC #a :plans');
    expect(await bob.run('TOPIC #a :mine')).toEqual([
      ":irc.test 442 bob #a :You're not on that channel",
    ]);
    expect(await bob.run('TOPIC #a')).toEqual([
      ':irc.test 332 bob #a :plans',
      ':irc.test 333 bob #a alice!~alice@user.test 1700000000',
    ]);
  });
});
