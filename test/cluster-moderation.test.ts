import { describe, it } from 'vitest';
import { startCluster } from './cluster-nodes.js';
import { IrcClient, LineClient } from './helpers.js';
import { requireBuiltCli } from './spawned.js';
import { WsClient } from './ws-client.js';

/** The shared Redis (CI starts it); each cluster has a key prefix of its own. */
const REDIS_URL = process.env.CHATROOM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

requireBuiltCli();

/**
 * Moderation across nodes: what an operator does on one node holds on every other, for users
 * connected there, as the store and the cluster's fan-out carry it.
 */
describe('moderation across nodes', () => {
  it('roles, modes, kicks, bans and mutes set on one node hold on the other', async () => {
    const cluster = await startCluster(REDIS_URL, 2);
    const [one, two] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    const owner = await IrcClient.register(one.ports.irc, 'owner');
    await owner.join('#ops');
    const bob = await LineClient.join(two.ports.line, 'bob');
    bob.send('/join #ops');
    await bob.waitFor('*** You joined #ops');
    // bob on the other node sees the owner's role in the member list.
    await bob.waitFor(/^\*\*\* #ops has 2 members: (~@owner bob|bob ~@owner)$/);
    await owner.waitFor(/:bob!\S+ JOIN #ops$/);

    // Moderated from node one: bob on node two may not speak until voiced.
    owner.send('MODE #ops +m');
    await bob.waitFor('*** owner made #ops moderated: only voiced members may speak');
    bob.send('not yet');
    await bob.waitFor('!!! #ops is moderated: only voiced members may speak. (CANNOT_SEND)');
    owner.send('MODE #ops +v bob');
    await bob.waitFor('*** owner made bob voiced of #ops');
    bob.send('now heard');
    await owner.waitFor(/:bob!\S+ PRIVMSG #ops :now heard$/);

    // Muted from node one, for a while.
    owner.send('MUTE #ops bob 1h flooding');
    await bob.waitFor(/^\*\*\* owner muted bob \(\S+\) in #ops for 1h: flooding$/);
    bob.send('muted?');
    await bob.waitFor(/^!!! You are muted in #ops for (1h|59m \d+s)\. \(CANNOT_SEND\)$/);
    owner.send('UNMUTE #ops bob');
    await bob.waitFor(/^\*\*\* owner lifted the mute on \S+ in #ops$/);

    // Kicked from node one: out of the room on node two, and may come back.
    owner.send('KICK #ops bob :take a break');
    await bob.waitFor('*** owner kicked bob from #ops (take a break)');
    await bob.waitFor('*** Now talking in #lobby');
    bob.send('/join #ops');
    await bob.waitFor('*** You joined #ops');
    await owner.waitFor(/:bob!\S+ JOIN #ops$/);

    // Banned from node one: put out, and kept out on node two, by the web door too.
    owner.send('BAN #ops bob 1d spam');
    await bob.waitFor('*** owner kicked bob from #ops (Banned: spam)');
    bob.send('/join #ops');
    await bob.waitFor(/^!!! You are banned from #ops for (1d|23h 59m)\. \(BANNED_FROM_ROOM\)$/);
    // The ban is on bob's host, which every client of this test shares: lift it for carol.
    owner.send('UNBAN #ops bob');
    await owner.waitFor(/ MODE #ops -b \*!\*@\S+\.cloak$/);

    // A key set on one node is asked for on the other; an invitation from one lets in on two.
    owner.send('MODE #ops +ik sesame');
    const carol = await WsClient.join(two.ports.http, 'carol');
    carol.send({ type: 'join', room: '#ops', key: 'sesame', ref: 'j1' });
    await carol.waitFor({ type: 'error', ref: 'j1', code: 'INVITE_ONLY' });
    owner.send('INVITE carol #ops');
    await owner.waitFor(/ 341 owner carol #ops$/);
    await carol.waitFor({ type: 'invite', room: '#ops', nick: 'owner', target: 'carol' });
    carol.send({ type: 'join', room: '#ops', ref: 'j2' });
    await carol.waitFor({ type: 'join', room: '#ops', nick: 'carol' });

    // Both nodes read one audit log.
    carol.send({ type: 'modlog', room: '#ops', ref: 'log' });
    await carol.waitFor({ type: 'error', ref: 'log', code: 'NOT_ROOM_OPERATOR' });
    owner.send('MODLOG #ops 5');
    await owner.waitFor(/NOTICE owner :\s+\S+ \S+ owner mode \+k$/);
    await owner.waitFor(/NOTICE owner :\s+\S+ \S+ owner ban bob \(\S+\) until \S+ \S+: spam$/);
  });
});
