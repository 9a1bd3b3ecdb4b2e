import { describe, expect, it } from 'vitest';
import { LOCAL_CLOAK } from './helpers.js';
import {
  from,
  joinAll,
  registerAll,
  S,
  startModerationServer,
  unixNow,
  unixTimeIn,
} from './moderation-helpers.js';

/**
 * Roles and room modes over real IRC connections, numeric by numeric (docs/moderation.md).
 * Every test client connects from 127.0.0.1, so all share one host: LOCAL_CLOAK.
 */
describe('IRC roles', () => {
  it('makes the creator owner and operator, shown as @ (PREFIX=(ov)@+) in NAMES, WHO and WHOIS', async () => {
    const server = await startModerationServer();
    const port = server.port('irc');
    const [alice, bob] = await registerAll(port, ['alice', 'bob']);
    const [carol] = await registerAll(port, ['carol'], ['multi-prefix']);
    expect(await alice!.ask('JOIN #dev')).toEqual([
      `${from('alice')} JOIN #dev`,
      `${S} 353 alice = #dev :@alice`,
      `${S} 366 alice #dev :End of /NAMES list`,
    ]);
    expect(await carol!.ask('JOIN #dev')).toEqual([
      `${from('carol')} JOIN #dev`,
      `${S} 353 carol = #dev :@alice carol`,
      `${S} 366 carol #dev :End of /NAMES list`,
    ]);
    await bob!.join('#dev');
    bob!.send('AWAY :lunch');
    await bob!.waitFor(/ 306 /);
    expect(await alice!.ask('MODE #dev +v carol', 'MODE #dev +o bob')).toEqual([
      `${from('carol')} JOIN #dev`,
      `${from('bob')} JOIN #dev`,
      `${from('alice')} MODE #dev +v carol`,
      `${from('alice')} MODE #dev +o bob`,
    ]);
    // The highest prefix alone without multi-prefix; all of them, highest first, with it.
    expect(await alice!.ask('NAMES #dev')).toEqual([
      `${S} 353 alice = #dev :@alice +carol @bob`,
      `${S} 366 alice #dev :End of /NAMES list`,
    ]);
    expect(await carol!.ask('NAMES #dev')).toEqual([
      `${from('bob')} JOIN #dev`,
      `${from('alice')} MODE #dev +v carol`,
      `${from('alice')} MODE #dev +o bob`,
      `${S} 353 carol = #dev :@alice +carol @bob`,
      `${S} 366 carol #dev :End of /NAMES list`,
    ]);
    // WHO flags: H (here) or G (away), then the role prefixes.
    const whoLine = (asker: string, nick: string, flags: string) =>
      `${S} 352 ${asker} #dev ~${nick} ${LOCAL_CLOAK} irc.test ${nick} ${flags} :0 ${nick} the tester`;
    expect(await alice!.ask('WHO #dev')).toEqual([
      whoLine('alice', 'alice', 'H@'),
      whoLine('alice', 'carol', 'H+'),
      whoLine('alice', 'bob', 'G@'),
      `${S} 315 alice #dev :End of WHO list`,
    ]);
    expect(await carol!.ask('WHO #dev')).toEqual([
      whoLine('carol', 'alice', 'H@'),
      whoLine('carol', 'carol', 'H+'),
      whoLine('carol', 'bob', 'G@'),
      `${S} 315 carol #dev :End of WHO list`,
    ]);
    // WHOIS 319: each channel with the user's prefix there.
    await alice!.join('#plain');
    await bob!.join('#plain');
    await alice!.ask();
    expect((await bob!.ask('WHOIS alice')).filter((line) => / 319 /.test(line))).toEqual([
      `${S} 319 bob alice :@#dev @#plain`,
    ]);
    expect((await carol!.ask('WHOIS alice')).filter((line) => / 319 /.test(line))).toEqual([
      `${S} 319 carol alice :@#dev @#plain`,
    ]);
    expect((await carol!.ask('WHOIS bob')).filter((line) => / 319 /.test(line))).toEqual([
      `${S} 319 carol bob :@#dev #plain`,
    ]);
  });

  it('lets operators act only at or below their rank; anyone may drop their own roles', async () => {
    const server = await startModerationServer();
    const [alice, bob, carol] = await registerAll(server.port('irc'), ['alice', 'bob', 'carol']);
    await joinAll('#dev', [alice!, bob!, carol!]);
    await alice!.ask('MODE #dev +o bob');
    await bob!.ask();
    await carol!.ask();
    // An operator may not touch the owner, nor name owners.
    expect(await bob!.ask('MODE #dev -o alice')).toEqual([
      `${S} 482 bob #dev :You cannot do that to someone above you in #dev.`,
    ]);
    expect(await bob!.ask('MODE #dev +q bob')).toEqual([
      `${S} 482 bob #dev :Only owners of #dev may name owners.`,
    ]);
    expect(await bob!.ask('KICK #dev alice')).toEqual([
      `${S} 482 bob #dev :You cannot do that to someone above you in #dev.`,
    ]);
    // But may op, voice and deop those below.
    expect(await bob!.ask('MODE #dev +v carol')).toEqual([`${from('bob')} MODE #dev +v carol`]);
    // A voiced member drops their voice; an operator their role: neither needs to be an operator.
    expect(await carol!.ask('MODE #dev -v carol')).toEqual([
      `${from('bob')} MODE #dev +v carol`,
      `${from('carol')} MODE #dev -v carol`,
    ]);
    expect(await bob!.ask('MODE #dev -o bob')).toEqual([
      `${from('carol')} MODE #dev -v carol`,
      `${from('bob')} MODE #dev -o bob`,
    ]);
    expect(await bob!.ask('MODE #dev +v bob')).toEqual([
      `${S} 482 bob #dev :You are not an operator of #dev.`,
    ]);
    // The owner names another owner: IRC has no owner prefix (PREFIX=(ov)@+), so IRC clients
    // are not told, and bob, an owner without the operator role, shows none.
    expect(await alice!.ask('MODE #dev +q bob', 'NAMES #dev')).toEqual([
      `${from('bob')} MODE #dev +v carol`,
      `${from('carol')} MODE #dev -v carol`,
      `${from('bob')} MODE #dev -o bob`,
      `${S} 353 alice = #dev :@alice bob carol`,
      `${S} 366 alice #dev :End of /NAMES list`,
    ]);
  });
});

describe('IRC room modes', () => {
  it('answers MODE #room with 324 (+nt for a new room) and 329 (when it was made); the key only to those inside', async () => {
    const server = await startModerationServer();
    const [alice, bob] = await registerAll(server.port('irc'), ['alice', 'bob']);
    const before = unixNow();
    await alice!.join('#dev');
    const after = unixNow();
    const [modes, created] = await alice!.ask('MODE #dev');
    expect(modes).toBe(`${S} 324 alice #dev +nt`);
    expect(created).toMatch(/^:irc\.test 329 alice #dev \d+$/);
    expect(unixTimeIn(created!)).toBeGreaterThanOrEqual(before);
    expect(unixTimeIn(created!)).toBeLessThanOrEqual(after);

    expect(await alice!.ask('MODE #dev +mkl sesame 5', 'MODE #Dev')).toEqual([
      `${from('alice')} MODE #dev +mkl sesame 5`,
      `${S} 324 alice #dev +mntkl sesame 5`,
      created,
    ]);
    // bob is outside: he is told there is a key, not what it is.
    expect(await bob!.ask('MODE #dev')).toEqual([
      `${S} 324 bob #dev +mntkl * 5`,
      created!.replace(' alice ', ' bob '),
    ]);
    expect(await bob!.ask('MODE #nope')).toEqual([`${S} 403 bob #nope :No such channel`]);
    // Taken off again, one letter at a time and together.
    expect(await alice!.ask('MODE #dev -m-k-l *', 'MODE #dev -nt', 'MODE #dev')).toEqual([
      `${from('alice')} MODE #dev -mkl *`,
      `${from('alice')} MODE #dev -nt`,
      `${S} 324 alice #dev +`,
      created,
    ]);
  });

  it('+m: a member without voice gets 404; +v lets them speak; operators always may', async () => {
    const server = await startModerationServer();
    const [alice, bob] = await registerAll(server.port('irc'), ['alice', 'bob']);
    await joinAll('#dev', [alice!, bob!]);
    expect(await alice!.ask('MODE #dev +m')).toEqual([`${from('alice')} MODE #dev +m`]);
    expect(await bob!.ask('PRIVMSG #dev :may I?')).toEqual([
      `${from('alice')} MODE #dev +m`,
      `${S} 404 bob #dev :#dev is moderated: only voiced members may speak.`,
    ]);
    // Nobody heard it.
    expect(await alice!.ask('PRIVMSG #dev :ops may')).toEqual([]);
    expect(await bob!.ask()).toEqual([`${from('alice')} PRIVMSG #dev :ops may`]);
    await alice!.ask('MODE #dev +v bob');
    expect(await bob!.ask('PRIVMSG #dev :now I may')).toEqual([
      `${from('alice')} MODE #dev +v bob`,
    ]);
    expect(await alice!.ask()).toEqual([`${from('bob')} PRIVMSG #dev :now I may`]);
    await alice!.ask('MODE #dev -v bob');
    expect(await bob!.ask('PRIVMSG #dev :again?')).toEqual([
      `${from('alice')} MODE #dev -v bob`,
      `${S} 404 bob #dev :#dev is moderated: only voiced members may speak.`,
    ]);
    // Unmoderated, everyone speaks.
    await alice!.ask('MODE #dev -m');
    expect(await bob!.ask('PRIVMSG #dev :free')).toEqual([`${from('alice')} MODE #dev -m`]);
    expect(await alice!.ask()).toEqual([`${from('bob')} PRIVMSG #dev :free`]);
  });

  it('refuses changes with their numerics: 482, 472, 696, 467, 401, 441, 403', async () => {
    const server = await startModerationServer();
    const [alice, bob, carol] = await registerAll(server.port('irc'), ['alice', 'bob', 'carol']);
    await joinAll('#dev', [alice!, bob!]);
    // Not an operator: 482, whatever the change.
    for (const change of ['+m', '+o bob', '+b x!*@*', '+k key', '-t']) {
      expect(await bob!.ask(`MODE #dev ${change}`)).toEqual([
        `${S} 482 bob #dev :You are not an operator of #dev.`,
      ]);
    }
    // Letters that are no mode here: 472 each, and the known ones still made.
    expect(await alice!.ask('MODE #dev +xm-e')).toEqual([
      `${S} 472 alice x :is unknown mode char to me`,
      `${S} 472 alice e :is unknown mode char to me`,
      `${from('alice')} MODE #dev +m`,
    ]);
    // Bad parameters: 696 <channel> <letter> <parameter> :<why>; a refused key is not repeated.
    expect(
      await alice!.ask(
        'MODE #dev +l abc',
        'MODE #dev +l 0',
        'MODE #dev +l 1000001',
        'MODE #dev +l',
        'MODE #dev +k a,b',
        'MODE #dev +k a:b',
        `MODE #dev +k ${'k'.repeat(33)}`,
        'MODE #dev +k :passphrase with spaces',
        'MODE #dev +k',
        'MODE #dev +o',
      ),
    ).toEqual([
      `${S} 696 alice #dev l abc :A member limit is a whole number from 1 to 1000000.`,
      `${S} 696 alice #dev l 0 :A member limit is a whole number from 1 to 1000000.`,
      `${S} 696 alice #dev l 1000001 :A member limit is a whole number from 1 to 1000000.`,
      `${S} 696 alice #dev l * :You must give a parameter`,
      `${S} 696 alice #dev k * :A key is 1 to 32 characters without spaces, commas or colons.`,
      `${S} 696 alice #dev k * :A key is 1 to 32 characters without spaces, commas or colons.`,
      `${S} 696 alice #dev k * :A key is 1 to 32 characters without spaces, commas or colons.`,
      `${S} 696 alice #dev k * :A key is 1 to 32 characters without spaces, commas or colons.`,
      `${S} 696 alice #dev k * :You must give a parameter`,
      `${S} 696 alice #dev o * :You must give a parameter`,
    ]);
    // A key on a room that has one: 467 (remove it first); the same key again: nothing.
    expect(
      await alice!.ask('MODE #dev +k one', 'MODE #dev +k two', 'MODE #dev +k one', 'MODE #dev'),
    ).toEqual([
      `${from('alice')} MODE #dev +k one`,
      `${S} 467 alice #dev :Channel key already set`,
      `${S} 324 alice #dev +mntk one`,
      expect.stringMatching(/^:irc\.test 329 alice #dev \d+$/),
    ]);
    // Roles: nobody by that name, 401; someone not in the room, 441.
    expect(await alice!.ask('MODE #dev +o zed', 'MODE #dev +v carol')).toEqual([
      `${S} 401 alice zed :No such nick/channel`,
      `${S} 441 alice carol #dev :They aren't on that channel`,
    ]);
    expect(await carol!.ask('MODE #nope +m')).toEqual([`${S} 403 carol #nope :No such channel`]);
    // 477 (ERR_NEEDREGGEDNICK) has no place here: there are no accounts to require.
  });
});
