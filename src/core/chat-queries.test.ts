import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/memory.js';
import type { PeerProfile } from './member.js';
import { chatWith, FakePeer } from './testing/fake-peer.js';

/** A door whose users have a profile, as IRC's do (real name, user mode +i). */
class ProfiledPeer extends FakePeer {
  constructor(readonly shown: PeerProfile) {
    super();
  }
  profile(): PeerProfile {
    return this.shown;
  }
}

/** The read-only queries doors describe rooms and users with. */
describe('Chat queries', () => {
  async function setUp() {
    const { chat, join } = chatWith(new MemoryStore());
    const alice = await join('alice');
    const hiddenPeer = new ProfiledPeer({
      realname: 'Carol C',
      hidden: true,
      username: '~carol',
      host: 'k3fq9a2m.7d0a1bc4.cloak',
    });
    const carol = chat.attach(hiddenPeer);
    await chat.register(carol, 'Carol', { joinLobby: false });
    await chat.join(carol, '#secret');
    await chat.join(carol, '#Open');
    await chat.join(alice.member, '#open');
    const outsider = await join('dave');
    return { chat, alice: alice.member, carol, outsider: outsider.member };
  }

  it('isIn: by any case of the name; false for a room that does not exist', async () => {
    const { chat, alice, carol } = await setUp();
    expect(chat.isIn(alice, '#OPEN')).toBe(true);
    expect(chat.isIn(alice, '#secret')).toBe(false);
    expect(chat.isIn(carol, '#secret')).toBe(true);
    expect(chat.isIn(carol, '#nowhere')).toBe(false);
  });

  it('roomsOf: all of them to oneself and for a visible user; only shared ones for a hidden one', async () => {
    const { chat, alice, carol, outsider } = await setUp();
    expect(chat.roomsOf('alice', alice)).toEqual(['#lobby', '#Open']);
    expect(chat.roomsOf('ALICE', outsider)).toEqual(['#lobby', '#Open']);
    expect(chat.roomsOf('carol', carol)).toEqual(['#secret', '#Open']);
    expect(chat.roomsOf('carol', alice)).toEqual(['#Open']);
    expect(chat.roomsOf('carol', outsider)).toEqual([]);
    expect(chat.roomsOf('nobody', alice)).toEqual([]);
  });

  it('membersOf: everyone from inside, no hidden users from outside, nothing for no room', async () => {
    const { chat, alice, outsider } = await setUp();
    const nicks = (room: string, viewer: typeof alice) =>
      chat.membersOf(room, viewer).map((view) => view.nick);
    expect(nicks('#open', alice)).toEqual(['Carol', 'alice']);
    expect(nicks('#open', outsider)).toEqual(['alice']);
    expect(nicks('#nowhere', alice)).toEqual([]);
  });

  it('a secret (+s) room shows its members only to those in it: membersOf, listMembers', async () => {
    const { chat, join } = chatWith(new MemoryStore());
    const owner = await join('owner');
    await chat.join(owner.member, '#hush');
    await chat.moderation.changeModes(owner.member, '#hush', [{ mode: 'secret', on: true }]);
    const outsider = await join('outsider');
    const nicks = (viewer: typeof owner.member) =>
      chat.membersOf('#hush', viewer).map((view) => view.nick);
    expect(nicks(owner.member)).toEqual(['owner']);
    expect(nicks(outsider.member)).toEqual([]);
    chat.listMembers(owner.member, '#hush');
    expect(owner.peer.of('members').at(-1)).toMatchObject({ room: '#hush', nicks: ['owner'] });
    // To an outsider it is not there at all, as in the room list.
    expect(() => chat.listMembers(outsider.member, '#HUSH')).toThrow(
      expect.objectContaining({ code: 'NO_SUCH_ROOM', message: 'There is no room called #HUSH.' }),
    );
    await chat.moderation.changeModes(owner.member, '#hush', [{ mode: 'secret', on: false }]);
    expect(nicks(outsider.member)).toEqual(['owner']);
  });

  it('describe: nick, away, door and profile, user name and host by default; undefined for nobody', async () => {
    const { chat, alice } = await setUp();
    chat.setAway(alice, 'lunch');
    expect(chat.describe('ALICE')).toEqual({
      nick: 'alice',
      away: 'lunch',
      door: 'test',
      realname: undefined,
      hidden: false,
      username: '~test',
      host: 'unknown.invalid',
    });
    expect(chat.describe('carol')).toEqual({
      nick: 'Carol',
      away: undefined,
      door: 'test',
      realname: 'Carol C',
      hidden: true,
      username: '~carol',
      host: 'k3fq9a2m.7d0a1bc4.cloak',
    });
    expect(chat.describe('nobody')).toBeUndefined();
  });
});
