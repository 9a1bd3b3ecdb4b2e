import { describe, expect, it } from 'vitest';
import type { ChatEvent } from './events.js';
import { type Audience, LocalFanout, MAX_HELD_EVENTS } from './fanout.js';
import { Member, type MessageRun } from './member.js';
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

/** A door that takes runs: each run's stretch is kept as one delivery of several events. */
class RunPeer extends FakePeer {
  readonly runs: Array<[number, number]> = [];

  deliverRun(run: MessageRun, _viewer: Member, from: number, to: number): void {
    if (this.failing) throw new Error('door broke');
    this.runs.push([from, to]);
    this.events.push(...run.events.slice(from, to));
  }
}

describe('LocalFanout.batch', () => {
  function room(...doors: Array<'runs' | 'plain'>) {
    const people = doors.map((door, i) => {
      const member = new Member(i + 1, door === 'runs' ? new RunPeer() : new FakePeer());
      member.setNick(`m${i}`);
      return member;
    });
    const outsider = new Member(99, new RunPeer());
    outsider.setNick('outsider');
    const everyone = [...people, outsider];
    const batched = new LocalFanout({
      roomMembers: (key) => (key === '#r' ? people : key === '#s' ? people.slice(0, 1) : undefined),
      roomFollowers: (key) => (key === '#r' ? people : undefined),
      memberByNick: (key) => everyone.find((member) => member.nickKey === key),
      everyone: () => everyone,
    });
    const said = (from: Member, n: number, where = '#r'): [ChatEvent, ChatEvent, Audience] => [
      {
        type: 'sent',
        target: where,
        id: n,
        from: from.nick!,
        text: `t${n}`,
        action: false,
        time: n,
      },
      {
        type: 'message',
        id: n,
        room: where,
        from: from.nick!,
        text: `t${n}`,
        action: false,
        time: n,
      },
      { rooms: [where], except: from.nickKey!, liveIn: where },
    ];
    const say = (from: Member, n: number, where?: string) => {
      const [sent, message, audience] = said(from, n, where);
      batched.tell(from, sent);
      batched.publish(message, audience);
    };
    const seen = (member: Member) =>
      (member.peer as FakePeer).events.map((event) =>
        event.type === 'sent'
          ? `sent ${event.id}`
          : event.type === 'message'
            ? `${event.id}`
            : event.type,
      );
    return { people, outsider, batched, say, seen };
  }

  it("sends a room's messages to each member in order, as one run to those who spoke none", () => {
    const { people, batched, say, seen } = room('runs', 'runs', 'runs', 'plain');
    const [ann, bob, cat, dan] = people as [Member, Member, Member, Member];
    batched.batch(() => {
      say(ann, 1);
      say(bob, 2);
      say(ann, 3);
      say(cat, 4);
    });
    expect(seen(ann)).toEqual(['sent 1', '2', 'sent 3', '4']);
    expect(seen(bob)).toEqual(['1', 'sent 2', '3', '4']);
    expect(seen(cat)).toEqual(['1', '2', '3', 'sent 4']);
    expect(seen(dan)).toEqual(['1', '2', '3', '4']);
    // Stretches between a sender's own messages; one call for the rest; none for a plain door.
    expect((ann.peer as RunPeer).runs).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect((bob.peer as RunPeer).runs).toEqual([
      [0, 1],
      [2, 4],
    ]);
    expect((cat.peer as RunPeer).runs).toEqual([[0, 3]]);
  });

  it('holds the run for a member being replayed the room, and tells a sender outside it', () => {
    const { people, outsider, batched, say, seen } = room('runs', 'runs');
    const [ann, bob] = people as [Member, Member];
    const held: ChatEvent[] = [];
    bob.held = new Map([['#r', held]]);
    batched.batch(() => {
      say(ann, 1);
      say(outsider, 2);
    });
    expect(seen(bob)).toEqual([]);
    expect(held.map((event) => event.type === 'message' && event.id)).toEqual([1, 2]);
    expect(seen(ann)).toEqual(['sent 1', '2']);
    expect(seen(outsider)).toEqual(['sent 2']);
  });

  it("delivers anything but one room's messages item by item, in the order published", () => {
    const { people, batched, say, seen } = room('runs', 'runs');
    const [ann, bob] = people as [Member, Member];
    batched.batch(() => {
      say(bob, 1);
      say(bob, 2, '#s');
      batched.publish(notice, { everyone: true });
      say(bob, 3);
    });
    expect(seen(ann)).toEqual(['1', '2', 'notice', '3']);
    expect((ann.peer as RunPeer).runs).toEqual([]);
    expect(seen(bob)).toEqual(['sent 1', 'sent 2', 'notice', 'sent 3']);
  });

  it('ends only the member whose door fails, be it a run, a stretch or a receipt', () => {
    const { people, batched, say, seen } = room('runs', 'runs', 'runs', 'plain');
    const [ann, bob, cat, dan] = people as [Member, Member, Member, Member];
    (ann.peer as RunPeer).failing = true; // a sender: its receipt fails first
    (cat.peer as RunPeer).failing = true; // gets the whole run
    batched.batch(() => {
      say(ann, 1);
      say(bob, 2);
    });
    expect((ann.peer as RunPeer).disconnected).toBe('Internal error');
    expect((cat.peer as RunPeer).disconnected).toBe('Internal error');
    expect(seen(bob)).toEqual(['1', 'sent 2']);
    expect(seen(dan)).toEqual(['1', '2']);
  });

  it('delivers at once outside a batch, and a batch inside a batch with it', () => {
    const { people, batched, say, seen } = room('runs', 'runs');
    const [ann, bob] = people as [Member, Member];
    say(ann, 1);
    expect(seen(bob)).toEqual(['1']);
    batched.batch(() => {
      say(ann, 2);
      batched.batch(() => say(ann, 3));
      expect(seen(bob)).toEqual(['1']);
    });
    expect(seen(bob)).toEqual(['1', '2', '3']);
  });
});
