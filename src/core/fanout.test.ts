import { describe, expect, it } from 'vitest';
import type { ChatEvent } from './events.js';
import { type Audience, LocalFanout, MAX_HELD_EVENTS } from './fanout.js';
import { Member } from './member.js';
import { FakePeer } from './testing/fake-peer.js';

function members(...nicks: string[]): Member[] {
  return nicks.map((nick, i) => {
    const member = new Member(i + 1, new FakePeer());
    member.setNick(nick);
    return member;
  });
}

const [ann, bob, cat, dan] = members('ann', 'bob', 'cat', 'dan') as [
  Member,
  Member,
  Member,
  Member,
];
const rooms = new Map<string, Member[]>([
  ['#a', [ann, bob]],
  ['#b', [bob, cat]],
]);
const fanout = new LocalFanout({
  roomMembers: (key) => rooms.get(key),
  // Bob's door shows a big room's joins only as summaries.
  roomFollowers: (key) => rooms.get(key)?.filter((member) => member !== bob),
  memberByNick: (key) => [ann, bob, cat, dan].find((member) => member.nickKey === key),
  everyone: () => [ann, bob, cat, dan],
});
const notice: ChatEvent = { type: 'notice', text: 'x' };

function reached(audience: Audience, event: ChatEvent = notice): string[] {
  for (const member of [ann, bob, cat, dan]) (member.peer as FakePeer).events.length = 0;
  fanout.publish(event, audience);
  return [ann, bob, cat, dan]
    .filter((member) => (member.peer as FakePeer).events.length > 0)
    .map((member) => `${member.nick}×${(member.peer as FakePeer).events.length}`);
}

describe('LocalFanout', () => {
  it.each<[string, Audience, string[]]>([
    ['a room', { rooms: ['#a'] }, ['ann×1', 'bob×1']],
    ['a room but its speaker', { rooms: ['#a'], except: 'ann' }, ['bob×1']],
    ['two rooms, each member once', { rooms: ['#a', '#b'] }, ['ann×1', 'bob×1', 'cat×1']],
    [
      'rooms and nicknames, once',
      { rooms: ['#b'], nicks: ['cat', 'dan'] },
      ['bob×1', 'cat×1', 'dan×1'],
    ],
    ['a room less those of another', { rooms: ['#b'], exceptRooms: ['#a'] }, ['cat×1']],
    ['everyone', { everyone: true }, ['ann×1', 'bob×1', 'cat×1', 'dan×1']],
    ['a room that does not exist', { rooms: ['#none'] }, []],
  ])('reaches %s', (_name, audience, expected) => {
    expect(reached(audience)).toEqual(expected);
  });

  it("gives a big room's joins, parts and quits only to those who follow them", () => {
    const crowdJoin: ChatEvent = { type: 'join', room: '#a', nick: 'zed', crowd: true };
    expect(reached({ rooms: ['#a'] }, crowdJoin)).toEqual(['ann×1']);
    const crowdQuit: ChatEvent = { type: 'quit', nick: 'zed', reason: '', crowd: true };
    expect(reached({ rooms: ['#a', '#b'] }, crowdQuit)).toEqual(['ann×1', 'cat×1']);
    expect(reached({ rooms: ['#a'], exceptRooms: [] }, crowdQuit)).toEqual(['ann×1']);
    const smallJoin: ChatEvent = { type: 'join', room: '#a', nick: 'zed' };
    expect(reached({ rooms: ['#a'] }, smallJoin)).toEqual(['ann×1', 'bob×1']);
  });

  it("holds a room's live events for a member being replayed it, and drops one too far behind", () => {
    bob.held = new Map([['#a', []]]);
    expect(reached({ rooms: ['#a'], liveIn: '#a' })).toEqual(['ann×1']);
    expect(bob.held.get('#a')).toEqual([notice]);
    // Other rooms' events are not held.
    expect(reached({ rooms: ['#b'], liveIn: '#b' })).toEqual(['bob×1', 'cat×1']);
    bob.held.set('#a', new Array(MAX_HELD_EVENTS).fill(notice));
    reached({ rooms: ['#a'], liveIn: '#a' });
    expect((bob.peer as FakePeer).disconnected).toBe('Too far behind');
    bob.held = undefined;
  });
});
