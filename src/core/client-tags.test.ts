import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/memory.js';
import { ChatError } from './errors.js';
import { conversationKey } from './history.js';
import { clientTagBytes } from './rules.js';
import { chatWith } from './testing/fake-peer.js';

const TAGS = { '+draft/reply': '#lobby/1', '+x': '' };

/** Client tags: carried with messages and alone (TAGMSG), to the doors; never stored. */
describe('client tags', () => {
  it('go with a room message to its hearers and back to the sender, and are not stored', async () => {
    const store = new MemoryStore();
    const { chat, join } = chatWith(store);
    const alice = await join('alice');
    const bob = await join('bob');
    await chat.say(alice.member, 'hi', { tags: TAGS });
    expect(bob.peer.of('message')).toEqual([expect.objectContaining({ text: 'hi', tags: TAGS })]);
    expect(alice.peer.of('sent')).toEqual([expect.objectContaining({ text: 'hi', tags: TAGS })]);
    const [stored] = await store.latest('#lobby', 1);
    expect(stored).not.toHaveProperty('tags');
    // A message without tags has no tags field at all.
    await chat.say(alice.member, 'plain');
    expect(bob.peer.of('message').at(-1)).not.toHaveProperty('tags');
  });

  it('go with a private message, to both sides, and are not stored', async () => {
    const store = new MemoryStore();
    const { chat, join } = chatWith(store);
    const alice = await join('alice');
    const bob = await join('bob');
    await chat.privateMessage(alice.member, 'BOB', 'psst', false, undefined, TAGS);
    for (const peer of [alice.peer, bob.peer]) {
      expect(peer.of('private')).toEqual([expect.objectContaining({ to: 'bob', tags: TAGS })]);
    }
    const [stored] = await store.latest(conversationKey('alice', 'bob'), 1);
    expect(stored).not.toHaveProperty('tags');
  });

  it('go alone to a room the sender is in, the sender included; nothing is stored', async () => {
    const store = new MemoryStore();
    const { chat, join } = chatWith(store);
    const alice = await join('alice');
    const bob = await join('bob');
    await chat.join(bob.member, '#elsewhere');
    chat.sendTags(alice.member, '#LOBBY', { '+typing': 'active' });
    const expected = {
      type: 'tags',
      id: expect.stringMatching(/^[\w-]{16}$/),
      from: 'alice',
      to: '#lobby',
      private: false,
      tags: { '+typing': 'active' },
    };
    expect(bob.peer.of('tags')).toEqual([expected]);
    // The sender's copy is the same send: the same id.
    expect(alice.peer.of('tags')).toEqual(bob.peer.of('tags'));
    expect(await store.latest('#lobby', 10)).toEqual([]);
    expect(() => chat.sendTags(alice.member, '#elsewhere', { '+typing': 'active' })).toThrow(
      expect.objectContaining({ code: 'NOT_IN_ROOM' }),
    );
  });

  it('go alone to a nickname, and to the sender; nobody by that name is an error', async () => {
    const { chat, join } = chatWith(new MemoryStore());
    const alice = await join('alice');
    const bob = await join('Bob');
    chat.sendTags(alice.member, 'bob', { '+typing': 'paused' });
    const expected = {
      type: 'tags',
      id: expect.stringMatching(/^[\w-]{16}$/),
      from: 'alice',
      to: 'Bob',
      private: true,
      tags: { '+typing': 'paused' },
    };
    expect(bob.peer.of('tags')).toEqual([expected]);
    // The sender's copy is the same send: the same id.
    expect(alice.peer.of('tags')).toEqual(bob.peer.of('tags'));
    expect(() => chat.sendTags(alice.member, 'nobody', { '+x': '' })).toThrow(ChatError);
  });

  it('are measured as written: key=value, separated by ";"', () => {
    expect(clientTagBytes({})).toBe(0);
    expect(clientTagBytes({ '+a': '' })).toBe(2);
    expect(clientTagBytes({ '+a': 'é' })).toBe(5);
    expect(clientTagBytes({ '+a': 'b', '+c': '' })).toBe(7);
  });
});
