import { describe, expect, it } from 'vitest';
import {
  from,
  hostIn,
  joinAll,
  registerAll,
  S,
  startModerationServer,
  unixNow,
  unixTimeIn,
} from './moderation-helpers.js';

/** Who may come into a room over IRC: +i and INVITE, +k, +l, bans (+b), and +s. */
describe('IRC room entry', () => {
  it('+i: JOIN gets 473; INVITE gives the inviter 341 and the invited an INVITE line, good once', async () => {
    const server = await startModerationServer();
    const [alice, bob, carol] = await registerAll(server.port('irc'), ['alice', 'bob', 'carol']);
    await joinAll('#dev', [alice!, carol!]);
    await alice!.ask('MODE #dev +i');
    await carol!.ask();
    expect(await bob!.ask('JOIN #dev')).toEqual([`${S} 473 bob #dev :Cannot join channel (+i)`]);
    // Under +i only operators invite.
    expect(await carol!.ask('INVITE bob #dev')).toEqual([
      `${S} 482 carol #dev :You are not an operator of #dev.`,
    ]);
    expect(await alice!.ask('INVITE bob #dev')).toEqual([`${S} 341 alice bob #dev`]);
    expect(await bob!.ask('JOIN #dev')).toEqual([
      `${from('alice')} INVITE bob #dev`,
      `${from('bob')} JOIN #dev`,
      `${S} 353 bob = #dev :@alice carol bob`,
      `${S} 366 bob #dev :End of /NAMES list`,
    ]);
    // The invitation was spent on that join.
    expect(await bob!.ask('PART #dev', 'JOIN #dev')).toEqual([
      `${from('bob')} PART #dev`,
      `${S} 473 bob #dev :Cannot join channel (+i)`,
    ]);
    // Without +i any member may invite.
    await alice!.ask('MODE #dev -i', 'MODE #dev +k sesame');
    await carol!.ask();
    expect(await carol!.ask('INVITE bob #dev')).toEqual([`${S} 341 carol bob #dev`]);
    // And the invitation lets one past the key too.
    expect(await bob!.ask('JOIN #dev')).toEqual([
      `${from('carol')} INVITE bob #dev`,
      `${from('bob')} JOIN #dev`,
      `${S} 353 bob = #dev :@alice carol bob`,
      `${S} 366 bob #dev :End of /NAMES list`,
    ]);
  });

  it('INVITE errors: 443 already there, 442 inviter outside, 401 nobody, 403 no channel, 461', async () => {
    const server = await startModerationServer();
    const [alice, bob, carol] = await registerAll(server.port('irc'), ['alice', 'bob', 'carol']);
    await joinAll('#dev', [alice!, carol!]);
    expect(
      await alice!.ask('INVITE carol #dev', 'INVITE zed #dev', 'INVITE bob #nope', 'INVITE bob'),
    ).toEqual([
      `${S} 443 alice carol #dev :is already on channel`,
      `${S} 401 alice zed :No such nick/channel`,
      `${S} 403 alice #nope :No such channel`,
      `${S} 461 alice INVITE :Not enough parameters`,
    ]);
    expect(await bob!.ask('INVITE carol #dev')).toEqual([
      `${S} 442 bob #dev :You're not on that channel`,
    ]);
  });

  it('+k: JOIN without the key or with a wrong one gets 475, the right one joins; keys go by position', async () => {
    const server = await startModerationServer();
    const [alice, bob] = await registerAll(server.port('irc'), ['alice', 'bob']);
    await joinAll('#dev', [alice!]);
    await alice!.ask('MODE #dev +k sesame');
    expect(await bob!.ask('JOIN #dev', 'JOIN #dev wrong', 'JOIN #dev SESAME')).toEqual([
      `${S} 475 bob #dev :Cannot join channel (+k)`,
      `${S} 475 bob #dev :Cannot join channel (+k)`,
      `${S} 475 bob #dev :Cannot join channel (+k)`,
    ]);
    // JOIN #a,#b KEYA,KEYB: #open has no key, so its key is ignored.
    expect(await bob!.ask('JOIN #open,#dev whatever,sesame')).toEqual([
      `${from('bob')} JOIN #open`,
      `${S} 353 bob = #open :@bob`,
      `${S} 366 bob #open :End of /NAMES list`,
      `${from('bob')} JOIN #dev`,
      `${S} 353 bob = #dev :@alice bob`,
      `${S} 366 bob #dev :End of /NAMES list`,
    ]);
    // Operators need no key: alice leaves and comes back without it.
    expect(await alice!.ask('PART #dev', 'JOIN #dev')).toEqual([
      `${from('bob')} JOIN #dev`,
      `${from('alice')} PART #dev`,
      `${from('alice')} JOIN #dev`,
      `${S} MODE #dev +o alice`,
      `${S} 353 alice = #dev :bob @alice`,
      `${S} 366 alice #dev :End of /NAMES list`,
    ]);
  });

  it('+l: a JOIN past the limit gets 471; operators and the invited get in anyway', async () => {
    const server = await startModerationServer();
    const [alice, bob, carol] = await registerAll(server.port('irc'), ['alice', 'bob', 'carol']);
    await joinAll('#dev', [alice!, bob!]);
    expect(await alice!.ask('MODE #dev +l 2')).toEqual([`${from('alice')} MODE #dev +l 2`]);
    expect(await carol!.ask('JOIN #dev')).toEqual([
      `${S} 471 carol #dev :Cannot join channel (+l)`,
    ]);
    await alice!.ask('INVITE carol #dev');
    expect(await carol!.ask('JOIN #dev')).toEqual([
      `${from('alice')} INVITE carol #dev`,
      `${from('carol')} JOIN #dev`,
      `${S} 353 carol = #dev :@alice bob carol`,
      `${S} 366 carol #dev :End of /NAMES list`,
    ]);
    expect(await carol!.ask('PART #dev', 'JOIN #dev')).toEqual([
      `${from('carol')} PART #dev`,
      `${S} 471 carol #dev :Cannot join channel (+l)`,
    ]);
    await alice!.ask('MODE #dev -l');
    expect(await carol!.ask('JOIN #dev')).toEqual([
      `${from('carol')} JOIN #dev`,
      `${S} 353 carol = #dev :@alice bob carol`,
      `${S} 366 carol #dev :End of /NAMES list`,
    ]);
  });

  it('+b: a mask with wildcards keeps matching users out (474), lists as 367/368, and -b lifts it', async () => {
    const server = await startModerationServer();
    const [alice, bob, carol, robert] = await registerAll(server.port('irc'), [
      'alice',
      'bob',
      'carol',
      'robert',
    ]);
    await joinAll('#dev', [alice!, carol!]);
    const before = unixNow();
    // Masks are completed as IRC servers do: "b?b" is b?b!*@*, "x@y" is *!x@y.
    expect(await alice!.ask('MODE #dev +bb b?b x@y', 'MODE #dev +b')).toEqual([
      `${from('alice')} MODE #dev +bb b?b!*@* *!x@y`,
      expect.stringMatching(/^:irc\.test 367 alice #dev b\?b!\*@\* alice \d+$/),
      expect.stringMatching(/^:irc\.test 367 alice #dev \*!x@y alice \d+$/),
      `${S} 368 alice #dev :End of channel ban list`,
    ]);
    const [listed] = alice!.received.filter((line) => / 367 /.test(line));
    expect(unixTimeIn(listed!)).toBeGreaterThanOrEqual(before);
    expect(unixTimeIn(listed!)).toBeLessThanOrEqual(unixNow());
    expect(await bob!.ask('JOIN #dev')).toEqual([`${S} 474 bob #dev :You are banned from #dev.`]);
    // The mask matches without regard to case; "robert" does not match b?b.
    expect(await bob!.ask('NICK BOB', 'JOIN #dev')).toEqual([
      `${from('bob')} NICK BOB`,
      `${S} 474 BOB #dev :You are banned from #dev.`,
    ]);
    await robert!.join('#dev');
    // A banned member still inside (MODE +b does not kick) stays, but cannot speak.
    await alice!.ask('MODE #dev +b carol');
    expect(await carol!.ask('PRIVMSG #dev :hello?')).toEqual([
      `${from('alice')} MODE #dev +bb b?b!*@* *!x@y`,
      `${from('robert')} JOIN #dev`,
      `${from('alice')} MODE #dev +b carol!*@*`,
      `${S} 404 carol #dev :You are banned from #dev; you cannot speak there.`,
    ]);
    // Anyone may read the list; MODE #dev b asks the same.
    expect(await carol!.ask('MODE #dev b')).toEqual([
      expect.stringMatching(/ 367 carol #dev b\?b!\*@\* alice \d+$/),
      expect.stringMatching(/ 367 carol #dev \*!x@y alice \d+$/),
      expect.stringMatching(/ 367 carol #dev carol!\*@\* alice \d+$/),
      `${S} 368 carol #dev :End of channel ban list`,
    ]);
    expect(await alice!.ask('MODE #dev -bb b?b!*@* CAROL!*@*')).toEqual([
      `${from('alice')} MODE #dev -bb b?b!*@* carol!*@*`,
    ]);
    expect(await bob!.ask('JOIN #dev')).toEqual([
      `${from('BOB', '~bob')} JOIN #dev`,
      `${S} 353 BOB = #dev :@alice carol robert BOB`,
      `${S} 366 BOB #dev :End of /NAMES list`,
    ]);
    // Lifting a mask that is not on the list changes nothing and says nothing.
    expect(await alice!.ask('MODE #dev -b nobody!*@*')).toEqual([
      `${from('BOB', '~bob')} JOIN #dev`,
    ]);
  });

  it("BAN by nickname goes on the user's cloaked host, kicks them, and keeps them out under any nickname", async () => {
    const server = await startModerationServer();
    const [alice, bob] = await registerAll(server.port('irc'), ['alice', 'bob']);
    await joinAll('#dev', [alice!, bob!]);
    const [who] = await alice!.ask('WHO bob');
    const host = hostIn(who!);
    expect(host).toMatch(/^[0-9a-v]{8}\.[0-9a-v]{8}\.cloak$/);
    const banAndKick = [
      `${from('alice')} MODE #dev +b *!*@${host}`,
      `${from('alice')} KICK #dev bob :Banned: spam`,
    ];
    expect(await alice!.ask('BAN #dev bob 1h spam')).toEqual(banAndKick);
    expect(await bob!.ask()).toEqual(banAndKick);
    expect(await bob!.ask('JOIN #dev')).toEqual([
      expect.stringMatching(
        /^:irc\.test 474 bob #dev :You are banned from #dev for (1h|59m 59s)\.$/,
      ),
    ]);
    // A new nickname does not get them out of it.
    expect(await bob!.ask('NICK bobby', 'JOIN #dev')).toEqual([
      `${from('bob')} NICK bobby`,
      expect.stringMatching(/ 474 bobby #dev :You are banned from #dev for /),
    ]);
    expect(await alice!.ask('MODE #dev +b')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^:irc\\.test 367 alice #dev \\*!\\*@${host.replaceAll('.', '\\.')} alice \\d+$`,
        ),
      ),
      `${S} 368 alice #dev :End of channel ban list`,
    ]);
    // UNBAN by the nickname lifts what holds on that user, however it was set.
    expect(await alice!.ask('UNBAN #dev bobby')).toEqual([
      `${from('alice')} MODE #dev -b *!*@${host}`,
    ]);
    // bob was outside: he heard none of it.
    expect(await bob!.ask('JOIN #dev')).toEqual([
      `${from('bobby', '~bob')} JOIN #dev`,
      `${S} 353 bobby = #dev :@alice bobby`,
      `${S} 366 bobby #dev :End of /NAMES list`,
    ]);
  });

  it('+s: the room is left out of LIST and WHOIS for those outside it, its members out of NAMES and WHO', async () => {
    const server = await startModerationServer();
    const [alice, bob] = await registerAll(server.port('irc'), ['alice', 'bob']);
    await joinAll('#hidden', [alice!]);
    await alice!.join('#open');
    expect(await alice!.ask('MODE #hidden +s')).toEqual([`${from('alice')} MODE #hidden +s`]);
    expect(await bob!.ask('LIST')).toEqual([
      `${S} 321 bob Channel :Users  Name`,
      `${S} 322 bob #open 1 :`,
      `${S} 323 bob :End of /LIST`,
    ]);
    expect(await bob!.ask('LIST #hidden')).toEqual([
      `${S} 321 bob Channel :Users  Name`,
      `${S} 323 bob :End of /LIST`,
    ]);
    expect((await bob!.ask('WHOIS alice')).filter((line) => / 319 /.test(line))).toEqual([
      `${S} 319 bob alice :@#open`,
    ]);
    // Asked by name, it answers as a channel that does not exist.
    expect(await bob!.ask('NAMES #hidden', 'WHO #hidden', 'TOPIC #hidden')).toEqual([
      `${S} 366 bob #hidden :End of /NAMES list`,
      `${S} 315 bob #hidden :End of WHO list`,
      `${S} 403 bob #hidden :No such channel`,
    ]);
    // Inside, NAMES marks it secret ("@" rather than "=").
    expect(await alice!.ask('NAMES #hidden')).toEqual([
      `${S} 353 alice @ #hidden :@alice`,
      `${S} 366 alice #hidden :End of /NAMES list`,
    ]);
    // From inside, it is there.
    expect(await alice!.ask('LIST')).toEqual([
      `${S} 321 alice Channel :Users  Name`,
      `${S} 322 alice #hidden 1 :`,
      `${S} 322 alice #open 1 :`,
      `${S} 323 alice :End of /LIST`,
    ]);
    expect((await alice!.ask('WHOIS alice')).filter((line) => / 319 /.test(line))).toEqual([
      `${S} 319 alice alice :@#hidden @#open`,
    ]);
    // -s: listed again.
    await alice!.ask('MODE #hidden -s');
    expect(await bob!.ask('LIST #hidden')).toEqual([
      `${S} 321 bob Channel :Users  Name`,
      `${S} 322 bob #hidden 1 :`,
      `${S} 323 bob :End of /LIST`,
    ]);
  });
});
