import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/memory.js';
import { ChatError } from './errors.js';
import type { HistoryStore, StoredMessage } from './history.js';
import type { NickRegistry } from './nick-registry.js';
import { chatWith, FakePeer } from './testing/fake-peer.js';

/** The Chat in process, with fake doors: what each member is told, in order. */
describe('Chat', () => {
  it('joins and parts: the room hears of both, the joiner gets the topic, members and replay', async () => {
    const { chat, join } = chatWith(new MemoryStore());
    const alice = await join('alice');
    await chat.say(alice.member, 'before bob');
    const bob = await join('bob');
    expect(alice.peer.of('join').map((event) => event.nick)).toEqual(['alice', 'bob']);
    expect(bob.peer.of('members')).toEqual([
      { type: 'members', room: '#lobby', nicks: ['alice', 'bob'], total: 2 },
    ]);
    expect(bob.peer.of('history')[0]).toMatchObject({
      reason: 'join',
      messages: [{ text: 'before bob' }],
    });

    await chat.join(bob.member, '#dev');
    expect(bob.peer.events.at(-1)).toEqual({ type: 'current-room', room: '#dev' });
    chat.part(bob.member, '#lobby', 'bye');
    expect(alice.peer.of('part')).toEqual([
      { type: 'part', room: '#lobby', nick: 'bob', reason: 'bye' },
    ]);
    // bob was in #dev already: parting the lobby leaves his current room alone.
    expect(bob.member.currentRoom).toBe('#dev');
    expect(() => chat.part(bob.member, '#lobby')).toThrow(ChatError);
  });

  it('joins a room another server created as that server stored it, topic and all', async () => {
    const store = new MemoryStore();
    const { chat, join } = chatWith(store);
    const alice = await join('alice');
    const theirs = {
      key: '#dev',
      name: '#Dev',
      topic: 'shipping',
      topicSetBy: 'carol',
      topicSetAt: 20,
      createdBy: 'carol',
      createdAt: 10,
    };
    // Stored after this server started, so not among the rooms it restored.
    await store.saveRoom(theirs);
    await chat.join(alice.member, '#DEV');
    expect(alice.peer.of('topic-is')).toEqual([
      { type: 'topic-is', room: '#Dev', topic: 'shipping', setBy: 'carol', setAt: 20 },
    ]);
    expect(chat.findRoom('#dev')).toMatchObject({
      name: '#Dev',
      createdBy: 'carol',
      createdAt: 10,
    });
    expect(await store.loadRooms()).toContainEqual(theirs);
  });

  it('relays a room message to everyone but its sender, who gets its id', async () => {
    const { chat, join } = chatWith(new MemoryStore());
    const alice = await join('alice');
    const bob = await join('bob');
    const stored = await chat.say(alice.member, 'hi');
    expect(bob.peer.of('message')).toEqual([
      {
        type: 'message',
        id: stored.id,
        room: '#lobby',
        from: 'alice',
        text: 'hi',
        action: false,
        time: stored.time,
      },
    ]);
    expect(alice.peer.of('message')).toEqual([]);
    expect(alice.peer.of('sent')).toMatchObject([{ id: stored.id, target: '#lobby' }]);
  });

  it('sends a private message to its recipient and a copy to its sender, once if to oneself', async () => {
    const { chat, join } = chatWith(new MemoryStore());
    const alice = await join('alice');
    const bob = await join('Bob');
    await chat.privateMessage(alice.member, 'bob', 'psst');
    const expected = { type: 'private', from: 'alice', to: 'Bob', text: 'psst' };
    expect(bob.peer.of('private')).toMatchObject([expected]);
    expect(alice.peer.of('private')).toMatchObject([expected]);
    await chat.privateMessage(alice.member, 'alice', 'note to self');
    expect(alice.peer.of('private')).toHaveLength(2);
    await expect(chat.privateMessage(alice.member, 'nobody', 'x')).rejects.toMatchObject({
      code: 'NO_SUCH_NICK',
    });
  });

  it('holds live messages of a room while its resume is read, then delivers them after it', async () => {
    const store = new MemoryStore();
    // The resume's read waits until the test lets it go, so a message can arrive meanwhile.
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slowReads: HistoryStore = Object.assign(Object.create(store) as HistoryStore, {
      after: async (target: string, id: number, limit: number): Promise<StoredMessage[]> => {
        await gate;
        return store.after(target, id, limit);
      },
    });
    const { chat, join } = chatWith(slowReads);
    const alice = await join('alice');
    await chat.say(alice.member, 'one');
    await chat.say(alice.member, 'two');
    const bob = await join('bob');
    const resumed = chat.resume(bob.member, '#lobby', 1);
    await chat.say(alice.member, 'three, said during the read');
    expect(bob.peer.of('message')).toEqual([]);
    release();
    await resumed;
    const order = bob.peer.events.flatMap((event) =>
      event.type === 'history' && event.reason === 'resume'
        ? event.messages.map((message) => `replay ${message.text}`)
        : event.type === 'message'
          ? [`live ${event.text}`]
          : [],
    );
    expect(order).toEqual(['replay two', 'live three, said during the read']);
  });

  it('lets only one of two members racing for a nickname have it', async () => {
    const { chat } = chatWith(new MemoryStore());
    const first = chat.attach(new FakePeer());
    const second = chat.attach(new FakePeer());
    const results = await Promise.allSettled([
      chat.register(first, 'alice'),
      chat.register(second, 'ALICE'),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(chat.userCount).toBe(1);
    // Once the holder is gone, the name is free again.
    const holder = first.registered ? first : second;
    chat.detach(holder, 'gone');
    const third = chat.attach(new FakePeer());
    await chat.register(third, 'Alice');
    expect(third.nick).toBe('Alice');
  });

  it('gives a nickname back when its owner left while the registry was deciding', async () => {
    const { chat } = chatWith(new MemoryStore());
    const member = chat.attach(new FakePeer());
    const registering = chat.register(member, 'alice');
    chat.detach(member, 'gone');
    await registering;
    expect(member.nick).toBeUndefined();
    const again = chat.attach(new FakePeer());
    await chat.register(again, 'alice');
    expect(again.nick).toBe('alice');
  });

  it('disconnects a member whose door fails to take an event, and still tells everyone else', async () => {
    const failures: string[] = [];
    const { chat, join } = chatWith(new MemoryStore(), {
      onDeliveryError: (_error, member) => failures.push(member.nick ?? '?'),
    });
    const alice = await join('alice');
    const bob = await join('bob');
    const carol = await join('carol');
    bob.peer.failing = true;
    await chat.say(alice.member, 'hello');
    expect(bob.peer.disconnected).toBe('Internal error');
    expect(failures).toEqual(['bob']);
    expect(carol.peer.of('message')).toMatchObject([{ text: 'hello' }]);
  });

  it('reports a registry that fails to release a nickname instead of leaving a rejection behind', async () => {
    const failing: NickRegistry = {
      claim: async () => true,
      release: async () => {
        throw new Error('registry unreachable');
      },
    };
    const errors: string[] = [];
    const { chat, join } = chatWith(new MemoryStore(), {
      nicks: failing,
      onRegistryError: (_error, key) => errors.push(key),
    });
    const alice = await join('Alice');
    chat.detach(alice.member, 'gone');
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toEqual(['alice']);
  });

  it('tells a quit to those sharing a room, once each, and a nick change to the member too', async () => {
    const { chat, join } = chatWith(new MemoryStore());
    const alice = await join('alice');
    const bob = await join('bob');
    const loner = await join('loner');
    for (const member of [alice.member, bob.member]) await chat.join(member, '#dev');
    chat.part(loner.member, '#lobby');
    await chat.changeNick(bob.member, 'robert');
    expect(alice.peer.of('nick')).toEqual([{ type: 'nick', oldNick: 'bob', newNick: 'robert' }]);
    expect(bob.peer.of('nick')).toHaveLength(1);
    expect(loner.peer.of('nick')).toEqual([]);
    chat.detach(bob.member, 'Connection closed');
    expect(alice.peer.of('quit')).toEqual([
      { type: 'quit', nick: 'robert', reason: 'Connection closed' },
    ]);
    expect(loner.peer.of('quit')).toEqual([]);
  });
});
