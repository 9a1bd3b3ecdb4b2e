import { describe, expect, it, vi } from 'vitest';
import type { Audience } from '../core/fanout.js';
import type { NewMessage, StoredMessage } from '../core/history.js';
import { MemoryStore } from '../store/memory.js';
import { type MessageEvent, MessageOrder } from './message-order.js';

/** One node's view: the store all nodes share, and what this node's members were handed. */
function node(store: MemoryStore) {
  const delivered: { id: number; local: boolean; except?: string }[] = [];
  const order = new MessageOrder({
    history: store,
    deliverLocal: (event, audience) =>
      delivered.push({ id: event.id, local: true, ...except(audience) }),
    deliverRemote: (event, audience) =>
      delivered.push({ id: event.id, local: false, ...except(audience) }),
    roomName: (key) => key,
    nickName: (key) => key.toUpperCase(),
    onError: (error) => {
      throw error;
    },
  });
  return { order, delivered, ids: () => delivered.map((entry) => entry.id) };
}

function except(audience: Audience): { except?: string } {
  return audience.except === undefined ? {} : { except: audience.except };
}

async function store(
  history: MemoryStore,
  count: number,
  sender = 'ann',
): Promise<StoredMessage[]> {
  const batch: NewMessage[] = Array.from({ length: count }, (_, i) => ({
    target: '#lobby',
    sender,
    text: `text ${i}`,
    action: false,
    time: 1000 + i,
  }));
  return history.append(batch);
}

function event(message: StoredMessage): MessageEvent {
  return {
    type: 'message',
    id: message.id,
    room: '#lobby',
    from: message.sender,
    text: message.text,
    action: false,
    time: message.time,
  };
}

const audience = (sender: string): Audience => ({
  rooms: ['#lobby'],
  except: sender,
  liveIn: '#lobby',
});

/** Resolves once `count` messages were handed over (the store is read asynchronously). */
async function delivered(ids: () => number[], count: number): Promise<void> {
  for (let i = 0; i < 200 && ids().length < count; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('MessageOrder', () => {
  it('delivers messages that come in order at once, each once', async () => {
    const history = new MemoryStore();
    const { order, ids } = node(history);
    order.track('#lobby', 0);
    for (const message of await store(history, 3)) {
      order.remote(event(message), audience('ann'));
      order.remote(event(message), audience('ann'));
    }
    expect(ids()).toEqual([1, 2, 3]);
  });

  it('holds a message that overtook another and reads the missing one from the store', async () => {
    const history = new MemoryStore();
    const { order, ids, delivered: handed } = node(history);
    order.track('#lobby', 0);
    const [first, second, third] = await store(history, 3, 'bob');
    order.remote(event(third!), audience('bob'));
    expect(ids()).toEqual([]);
    await delivered(ids, 3);
    expect(ids()).toEqual([1, 2, 3]);
    // Read back from the store, the speaker is still left out of it.
    expect(handed[0]).toEqual({ id: 1, local: false, except: 'bob' });
    // The late copies of the first two change nothing.
    order.remote(event(first!), audience('bob'));
    order.remote(event(second!), audience('bob'));
    expect(ids()).toEqual([1, 2, 3]);
  });

  it("delivers this node's own message after another node's earlier one it had not heard of", async () => {
    const history = new MemoryStore();
    const { order, delivered: handed, ids } = node(history);
    order.track('#lobby', 0);
    await store(history, 1, 'bob');
    const [own] = await store(history, 1, 'ann');
    order.local(event(own!), audience('ann'));
    await delivered(ids, 2);
    expect(handed).toEqual([
      { id: 1, local: false, except: 'bob' },
      { id: 2, local: true, except: 'ann' },
    ]);
  });

  it('finds a message Redis lost with nothing after it at the next check', async () => {
    const history = new MemoryStore();
    const { order, ids } = node(history);
    order.track('#lobby', 0);
    const [first] = await store(history, 2);
    order.remote(event(first!), audience('ann'));
    expect(ids()).toEqual([1]);
    await order.check();
    await delivered(ids, 2);
    expect(ids()).toEqual([1, 2]);
  });

  it('starts a room it was not told of at its first message, not at the first to arrive', async () => {
    const history = new MemoryStore();
    const { order, ids } = node(history);
    const [, second] = await store(history, 2);
    order.remote(event(second!), audience('ann'));
    await delivered(ids, 2);
    expect(ids()).toEqual([1, 2]);
  });

  it('fills a gap in a private conversation, telling the recipient by the name it goes by', async () => {
    const history = new MemoryStore();
    const events: MessageEvent[] = [];
    const order = new MessageOrder({
      history,
      deliverLocal: (event) => events.push(event),
      deliverRemote: (event) => events.push(event),
      roomName: (key) => key,
      nickName: (key) => (key === 'bob' ? 'Bob' : key),
      onError: (error) => {
        throw error;
      },
    });
    const say = (text: string) =>
      history.append([{ target: '@ann bob', sender: 'Ann', text, action: false, time: 1 }]);
    const privateEvent = (message: StoredMessage): MessageEvent => ({
      type: 'private',
      id: message.id,
      from: 'Ann',
      to: 'Bob',
      text: message.text,
      action: false,
      time: 1,
    });
    const [first] = await say('one');
    order.remote(privateEvent(first!), { nicks: ['bob', 'ann'] });
    await say('two');
    const [third] = await say('three');
    order.remote(privateEvent(third!), { nicks: ['bob', 'ann'] });
    const ids = () => events.map((event) => event.id);
    await delivered(ids, 3);
    expect(events.map((event) => [event.id, event.text])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
    expect(events[1]).toMatchObject({ type: 'private', from: 'Ann', to: 'Bob' });
  });

  it('waits a moment for a missing message on its way through Redis before reading the store', async () => {
    const history = new MemoryStore();
    let reads = 0;
    const counted = {
      after: (target: string, id: number, limit: number) => {
        reads++;
        return history.after(target, id, limit);
      },
      lastIds: (targets: readonly string[]) => history.lastIds(targets),
    };
    const ids: number[] = [];
    const order = new MessageOrder({
      history: counted,
      deliverLocal: (event) => ids.push(event.id),
      deliverRemote: (event) => ids.push(event.id),
      roomName: (key) => key,
      nickName: (key) => key,
      onError: (error) => {
        throw error;
      },
    });
    order.track('#lobby', 0);
    const [first, second] = await store(history, 2);
    vi.useFakeTimers();
    try {
      order.local(event(second!), audience('ann'));
      order.remote(event(first!), audience('ann'));
      expect(ids).toEqual([1, 2]);
      // Past the grace, nothing was read: the gap had closed, and its timer with it.
      expect(vi.getTimerCount()).toBe(0);
      vi.advanceTimersByTime(1000);
      expect(reads).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
