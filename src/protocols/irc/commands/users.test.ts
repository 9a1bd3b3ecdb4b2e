import { describe, expect, it } from 'vitest';
import { FakePeer } from '../../../core/testing/fake-peer.js';
import { CAP_MULTI_PREFIX } from '../caps.js';
import { ircTestbed } from '../testing/test-client.js';

const NOW = 1_700_000_000_000;

/**
 * NICK, WHO, WHOIS, MODE, NAMES and LIST against a real Chat, without sockets. alice and bob
 * are IRC users in #a; carol is invisible (+i) and in #a and #c; dave came in by another
 * door (a fake one, 'test') and is in #a; bob is away.
 */
async function setUp() {
  const bed = ircTestbed({ now: () => NOW });
  const { chat } = bed;
  const alice = await bed.registered('alice', 'Alice A');
  const bob = await bed.registered('bob', 'Bob B');
  const carol = await bed.registered('carol', 'Carol C');
  const dave = chat.attach(new FakePeer());
  await chat.register(dave, 'dave', { joinLobby: false });
  for (const client of [alice, bob, carol]) await client.run('JOIN #a');
  await chat.join(dave, '#a');
  await carol.run('JOIN #c');
  await carol.run('MODE carol +i');
  await bob.run('AWAY :at lunch');
  const outsider = await bed.registered('eve');
  for (const client of [alice, bob, carol]) client.lines.length = 0;
  return { ...bed, alice, bob, carol, dave, outsider };
}

type Row = [what: string, who: 'alice' | 'outsider' | 'carol', line: string, replies: string[]];

async function run(who: Row[1], line: string) {
  const bed = await setUp();
  return { ...bed, sent: await bed[who].run(line) };
}

describe('NICK', () => {
  it.each<[string, string[], string[]]>([
    ['none given', ['NICK'], [':irc.test 431 * :No nickname given']],
    ['empty', ['NICK :'], [':irc.test 431 * :No nickname given']],
    ['invalid', ['NICK 1abc'], [':irc.test 432 * 1abc :Erroneous nickname']],
    ['taken, in any case', ['NICK ALICE'], [':irc.test 433 * ALICE :Nickname is already in use']],
    ['free: held until USER', ['NICK zed'], []],
    ['then USER registers', ['NICK zed', 'USER z 0 * :Zed'], []],
  ])('before registration: %s', async (_, lines, expected) => {
    const { connect, registered } = ircTestbed();
    await registered('alice');
    const client = connect();
    const sent: string[] = [];
    for (const line of lines) sent.push(...(await client.run(line)));
    expect(sent).toEqual(expected);
    expect(client.member.nick).toBe(lines.length === 2 ? 'zed' : undefined);
  });

  it.each<[string, string, string[]]>([
    [
      'a free one: the change, to oneself too',
      'NICK Alicia',
      [':alice!~alice@user.test NICK Alicia'],
    ],
    ['a taken one', 'NICK Bob', [':irc.test 433 alice Bob :Nickname is already in use']],
    ['an invalid one', 'NICK #x', [':irc.test 432 alice #x :Erroneous nickname']],
  ])('once registered: %s', async (_, line, expected) => {
    const { alice } = await setUp();
    expect(await alice.run(line)).toEqual(expected);
  });

  it('tells the channels', async () => {
    const { alice, bob } = await setUp();
    await alice.run('NICK Alicia');
    expect(bob.lines).toEqual([':alice!~alice@user.test NICK Alicia']);
  });
});

describe('WHO', () => {
  it.each<Row>([
    [
      'a channel from inside: everyone, the away flagged G, the owner @, another door by its name',
      'alice',
      'WHO #A',
      [
        ':irc.test 352 alice #a ~alice user.test irc.test alice H@ :0 Alice A',
        ':irc.test 352 alice #a ~bob user.test irc.test bob G :0 Bob B',
        ':irc.test 352 alice #a ~carol user.test irc.test carol H :0 Carol C',
        ':irc.test 352 alice #a ~test unknown.invalid irc.test dave H :0 test user',
        ':irc.test 315 alice #A :End of WHO list',
      ],
    ],
    [
      'a channel from outside: not the invisible',
      'outsider',
      'WHO #a',
      [
        ':irc.test 352 eve #a ~alice user.test irc.test alice H@ :0 Alice A',
        ':irc.test 352 eve #a ~bob user.test irc.test bob G :0 Bob B',
        ':irc.test 352 eve #a ~test unknown.invalid irc.test dave H :0 test user',
        ':irc.test 315 eve #a :End of WHO list',
      ],
    ],
    [
      'a nick',
      'outsider',
      'WHO Carol',
      [
        ':irc.test 352 eve * ~carol user.test irc.test carol H :0 Carol C',
        ':irc.test 315 eve Carol :End of WHO list',
      ],
    ],
    ['a mask: not searched', 'alice', 'WHO a*', [':irc.test 315 alice a* :End of WHO list']],
    ['nobody', 'alice', 'WHO zed', [':irc.test 315 alice zed :End of WHO list']],
    ['no channel', 'alice', 'WHO #none', [':irc.test 315 alice #none :End of WHO list']],
  ])('%s', async (_, who, line, expected) => {
    expect((await run(who, line)).sent).toEqual(expected);
  });
});

describe('WHOIS', () => {
  it.each<Row>([
    [
      'an IRC user who is away',
      'alice',
      'WHOIS bob',
      [
        ':irc.test 311 alice bob ~bob user.test * :Bob B',
        ':irc.test 319 alice bob :#a',
        ':irc.test 312 alice bob irc.test :chatroom (irc door)',
        ':irc.test 301 alice bob :at lunch',
        ':irc.test 318 alice bob :End of /WHOIS list',
      ],
    ],
    [
      'a user of another door, with the server named first',
      'alice',
      'WHOIS irc.test DAVE',
      [
        ':irc.test 311 alice dave ~test unknown.invalid * :test user',
        ':irc.test 319 alice dave :#a',
        ':irc.test 312 alice dave irc.test :chatroom (test door)',
        ':irc.test 318 alice dave :End of /WHOIS list',
      ],
    ],
    [
      'an invisible user, from someone sharing one channel: only that one',
      'alice',
      'WHOIS carol',
      [
        ':irc.test 311 alice carol ~carol user.test * :Carol C',
        ':irc.test 319 alice carol :#a',
        ':irc.test 312 alice carol irc.test :chatroom (irc door)',
        ':irc.test 318 alice carol :End of /WHOIS list',
      ],
    ],
    [
      'an invisible user, from outside: no channels',
      'outsider',
      'WHOIS carol',
      [
        ':irc.test 311 eve carol ~carol user.test * :Carol C',
        ':irc.test 312 eve carol irc.test :chatroom (irc door)',
        ':irc.test 318 eve carol :End of /WHOIS list',
      ],
    ],
    [
      'oneself, invisible: every channel, with one’s role prefix there',
      'carol',
      'WHOIS carol',
      [
        ':irc.test 311 carol carol ~carol user.test * :Carol C',
        ':irc.test 319 carol carol :#a @#c',
        ':irc.test 312 carol carol irc.test :chatroom (irc door)',
        ':irc.test 318 carol carol :End of /WHOIS list',
      ],
    ],
    [
      'nobody',
      'alice',
      'WHOIS zed',
      [
        ':irc.test 401 alice zed :No such nick/channel',
        ':irc.test 318 alice zed :End of /WHOIS list',
      ],
    ],
    ['no nick', 'alice', 'WHOIS', [':irc.test 431 alice :No nickname given']],
  ])('%s', async (_, who, line, expected) => {
    expect((await run(who, line)).sent).toEqual(expected);
  });
});

describe('role prefixes in WHO and WHOIS', () => {
  /** alice owns #a, voiced too, and is a plain member of carol's #c; bob is voiced in #a. */
  async function withRoles(multiPrefix: boolean) {
    const bed = await setUp();
    const { alice, bob } = bed;
    await alice.run('MODE #a +v alice');
    await alice.run('MODE #a +v bob');
    await alice.run('JOIN #c');
    if (multiPrefix) alice.caps |= CAP_MULTI_PREFIX;
    alice.lines.length = 0;
    return { alice, bob };
  }

  it('WHO: H or G, then the highest prefix; every prefix with multi-prefix', async () => {
    for (const [multiPrefix, aliceFlags, bobFlags] of [
      [false, 'H@', 'G+'],
      [true, 'H@+', 'G+'],
    ] as const) {
      const { alice } = await withRoles(multiPrefix);
      expect(await alice.run('WHO #a')).toEqual([
        `:irc.test 352 alice #a ~alice user.test irc.test alice ${aliceFlags} :0 Alice A`,
        `:irc.test 352 alice #a ~bob user.test irc.test bob ${bobFlags} :0 Bob B`,
        ':irc.test 352 alice #a ~carol user.test irc.test carol H :0 Carol C',
        ':irc.test 352 alice #a ~test unknown.invalid irc.test dave H :0 test user',
        ':irc.test 315 alice #a :End of WHO list',
      ]);
      // About no channel: no prefix.
      expect(await alice.run('WHO alice')).toEqual([
        ':irc.test 352 alice * ~alice user.test irc.test alice H :0 Alice A',
        ':irc.test 315 alice alice :End of WHO list',
      ]);
    }
  });

  it('WHOIS 319: each channel with the highest prefix there; every prefix with multi-prefix', async () => {
    for (const [multiPrefix, channels] of [
      [false, '@#a #c'],
      [true, '@+#a #c'],
    ] as const) {
      const { alice } = await withRoles(multiPrefix);
      const sent = await alice.run('WHOIS alice');
      expect(sent).toContain(`:irc.test 319 alice alice :${channels}`);
      expect(await alice.run('WHOIS bob')).toContain(':irc.test 319 alice bob :+#a');
    }
  });
});

describe('NAMES and LIST', () => {
  it.each<Row>([
    [
      'NAMES from inside',
      'alice',
      'NAMES #a',
      [
        ':irc.test 353 alice = #a :@alice bob carol dave',
        ':irc.test 366 alice #a :End of /NAMES list',
      ],
    ],
    [
      'NAMES from outside: not the invisible',
      'outsider',
      'NAMES #a,#none',
      [
        ':irc.test 353 eve = #a :@alice bob dave',
        ':irc.test 366 eve #a :End of /NAMES list',
        ':irc.test 366 eve #none :End of /NAMES list',
      ],
    ],
    ['NAMES alone', 'alice', 'NAMES', [':irc.test 366 alice * :End of /NAMES list']],
    [
      'LIST from outside counts only whom it may see',
      'outsider',
      'LIST',
      [
        ':irc.test 321 eve Channel :Users  Name',
        ':irc.test 322 eve #a 3 :',
        ':irc.test 322 eve #c 0 :',
        ':irc.test 323 eve :End of /LIST',
      ],
    ],
    [
      'LIST of one channel from inside',
      'carol',
      'LIST #c',
      [
        ':irc.test 321 carol Channel :Users  Name',
        ':irc.test 322 carol #c 1 :',
        ':irc.test 323 carol :End of /LIST',
      ],
    ],
  ])('%s', async (_, who, line, expected) => {
    expect((await run(who, line)).sent).toEqual(expected);
  });
});

describe('MODE', () => {
  it.each<Row>([
    ['one’s own modes', 'alice', 'MODE alice', [':irc.test 221 alice +']],
    ['one’s own, invisible', 'carol', 'MODE carol', [':irc.test 221 carol +i']],
    ['becoming invisible', 'alice', 'MODE alice +i', [':alice MODE alice :+i']],
    ['invisible already: no change, no reply', 'carol', 'MODE carol +i', []],
    ['visible again', 'carol', 'MODE Carol -i', [':carol MODE carol :-i']],
    [
      'an unknown user mode, the known ones still applied',
      'alice',
      'MODE alice +ix',
      [':alice MODE alice :+i', ':irc.test 501 alice :Unknown MODE flag'],
    ],
    [
      'another user',
      'alice',
      'MODE bob +i',
      [":irc.test 502 alice :Can't change mode for other users"],
    ],
    ['nobody', 'alice', 'MODE zed', [':irc.test 401 alice zed :No such nick/channel']],
    [
      'a channel',
      'alice',
      'MODE #a',
      [':irc.test 324 alice #a +nt', ':irc.test 329 alice #a 1700000000'],
    ],
    [
      'its ban list: empty',
      'alice',
      'MODE #a b',
      [':irc.test 368 alice #a :End of channel ban list'],
    ],
    [
      'setting one as a member: not an operator',
      'carol',
      'MODE #a +m',
      [':irc.test 482 carol #a :You are not an operator of #a.'],
    ],
    [
      'an unknown channel mode',
      'alice',
      'MODE #a +z',
      [':irc.test 472 alice z :is unknown mode char to me'],
    ],
    [
      'a channel that does not exist',
      'alice',
      'MODE #none',
      [':irc.test 403 alice #none :No such channel'],
    ],
    ['no target', 'alice', 'MODE', [':irc.test 461 alice MODE :Not enough parameters']],
  ])('%s', async (_, who, line, expected) => {
    expect((await run(who, line)).sent).toEqual(expected);
  });

  it('counts the invisible for LUSERS, and the core hides them', async () => {
    const { alice, server, chat, outsider } = await setUp();
    expect(server.invisibleCount).toBe(1);
    await alice.run('MODE alice +i');
    expect(server.invisibleCount).toBe(2);
    expect(chat.membersOf('#a', outsider.member).map((view) => view.nick)).toEqual(['bob', 'dave']);
    await alice.run('MODE alice -i');
    expect(server.invisibleCount).toBe(1);
  });
});
