import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/memory.js';
import { Chat } from './chat.js';
import type { ChatEvent } from './events.js';
import type { Peer } from './member.js';

/** A member's door that only keeps what it is told. */
class Inbox implements Peer {
  readonly protocol = 'test';
  readonly events: ChatEvent[] = [];
  deliver(event: ChatEvent): void {
    this.events.push(event);
  }
  disconnect(_reason: string): void {}
}

async function chatWithTimes(times: number[], store = new MemoryStore()) {
  let now = 0;
  const chat = new Chat({ history: store, now: () => now });
  const member = chat.attach(new Inbox());
  await chat.register(member, 'alice');
  for (const time of times) {
    now = time;
    await chat.say(member, `at ${time}`);
  }
  return { chat, member, store };
}

describe('Chat history reads for doors that page by id and time', () => {
  it('finds the first message said at or after a time', async () => {
    const { chat, member } = await chatWithTimes([10, 20, 20, 30, 40]);
    const cases: Array<[number, number]> = [
      [0, 1],
      [10, 1],
      [11, 2],
      [20, 2],
      [21, 4],
      [40, 5],
      [41, 6],
    ];
    for (const [time, id] of cases) expect(await chat.idAtTime(member, '#lobby', time)).toBe(id);
  });

  it('skips what retention dropped, and answers 1 for an empty history', async () => {
    const { chat, member, store } = await chatWithTimes([10, 20, 30, 40, 50]);
    await store.prune({ maxPerTarget: 2 });
    expect(await chat.idAtTime(member, '#lobby', 0)).toBe(4);
    expect(await chat.idAtTime(member, '#lobby', 45)).toBe(5);
    expect(await chat.idAtTime(member, '#lobby', 60)).toBe(6);
    const empty = await chatWithTimes([]);
    expect(await empty.chat.idAtTime(empty.member, '#lobby', 5)).toBe(1);
  });

  it('reads pages before, after and between ids, saying when there is more', async () => {
    const { chat, member } = await chatWithTimes([1, 2, 3, 4, 5, 6, 7, 8]);
    const ids = (page: { messages: readonly { id: number }[] }) => page.messages.map((m) => m.id);
    const latest = await chat.readHistory(member, '#lobby', { limit: 3 });
    expect([ids(latest), latest.more]).toEqual([[6, 7, 8], true]);
    const before = await chat.readHistory(member, '#lobby', { before: 3, limit: 5 });
    expect([ids(before), before.more]).toEqual([[1, 2], false]);
    const after = await chat.readHistory(member, '#lobby', { after: 2, limit: 3 });
    expect([ids(after), after.more]).toEqual([[3, 4, 5], true]);
    const between = await chat.readHistory(member, '#lobby', { after: 2, before: 6, limit: 10 });
    expect(ids(between)).toEqual([3, 4, 5]);
  });
});

describe('Chat broadcast', () => {
  it('keeps one front door failing from costing anyone else the event', async () => {
    const failures: Array<[unknown, string | undefined]> = [];
    const chat = new Chat({
      history: new MemoryStore(),
      onDeliveryError: (error, member) => failures.push([error, member.nick]),
    });
    const disconnected: string[] = [];
    class Broken extends Inbox {
      override deliver(event: ChatEvent): void {
        if (event.type === 'message') throw new Error('encoder bug');
        super.deliver(event);
      }
      override disconnect(reason: string): void {
        disconnected.push(reason);
      }
    }
    const inboxes = [new Inbox(), new Broken(), new Inbox()];
    const members = inboxes.map((inbox) => chat.attach(inbox));
    for (const [i, member] of members.entries()) await chat.register(member, `user${i}`);
    await chat.say(members[0]!, 'hello');
    expect(inboxes[2]!.events.some((e) => e.type === 'message' && e.text === 'hello')).toBe(true);
    expect(failures.map(([error, nick]) => [(error as Error).message, nick])).toEqual([
      ['encoder bug', 'user1'],
    ]);
    expect(disconnected).toEqual(['Internal error']);
  });
});
