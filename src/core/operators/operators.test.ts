import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../store/memory.js';
import { ChatError } from '../errors.js';
import { chatWith } from '../testing/fake-peer.js';
import { MAX_SERVER_BANS, type OperatorCredentials, type OperatorLogEntry } from './types.js';

/** Only alice/sesame, from anywhere; counts what it was asked. */
function credentials() {
  const asked: string[] = [];
  const book: OperatorCredentials = {
    async check(name, password) {
      asked.push(name);
      return name === 'alice' && password === 'sesame' ? 'ok' : 'mismatch';
    },
  };
  return { book, asked };
}

/** A chat with operators and a clock of the test's; bob and carol in #dev. */
async function server() {
  let now = 1_000_000;
  const store = new MemoryStore();
  const { book, asked } = credentials();
  const logged: OperatorLogEntry[] = [];
  const { chat, join } = chatWith(store, {
    now: () => now,
    moderation: store.moderation,
    operators: book,
    onOperatorLog: (entry) => logged.push(entry),
  });
  const alice = await join('alice');
  const bob = await join('bob');
  const carol = await join('carol');
  await chat.join(bob.member, '#dev');
  await chat.join(carol.member, '#dev');
  return {
    chat,
    join,
    store,
    asked,
    logged,
    alice,
    bob,
    carol,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

async function failure(action: () => unknown): Promise<ChatError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof ChatError) return error;
    throw error;
  }
  throw new Error('it did not fail');
}

describe('server operators in the core', () => {
  it('OPER: a mismatch twice, success; three mismatches close, and a fourth is not even checked', async () => {
    const { chat, alice, bob, asked, logged, store } = await server();
    const wrong = await failure(() => chat.operators.oper(alice.member, 'alice', 'nope'));
    expect([wrong.code, wrong.about, wrong.closes]).toEqual(['OPER_FAILED', [], undefined]);
    await failure(() => chat.operators.oper(alice.member, 'nobody', 'sesame'));
    await chat.operators.oper(alice.member, 'alice', 'sesame');
    expect(alice.member.operator).toBe('alice');
    expect(alice.peer.of('oper')).toEqual([{ type: 'oper', name: 'alice' }]);
    expect(chat.operators.count).toBe(1);
    expect(chat.describe('alice')).toMatchObject({ operator: true });
    expect(chat.describe('bob')?.operator).toBeUndefined();

    for (const guess of ['a', 'b']) {
      const error = await failure(() => chat.operators.oper(bob.member, 'alice', guess));
      expect(error.closes).toBeUndefined();
    }
    const third = await failure(() => chat.operators.oper(bob.member, 'alice', 'c'));
    expect(third.closes).toEqual({ reason: 'Too many failed OPER attempts', cause: 'oper-failed' });
    const checked = asked.length;
    const fourth = await failure(() => chat.operators.oper(bob.member, 'alice', 'sesame'));
    expect(fourth.code).toBe('OPER_FAILED');
    expect(asked.length).toBe(checked);
    expect(bob.member.operator).toBeUndefined();

    expect(
      logged.map((entry) => [entry.action, entry.nick, entry.operator, entry.lockedOut]),
    ).toEqual([
      ['oper-failed', 'alice', 'alice', undefined],
      ['oper-failed', 'alice', 'nobody', undefined],
      ['oper', 'alice', 'alice', undefined],
      ['oper-failed', 'bob', 'alice', undefined],
      ['oper-failed', 'bob', 'alice', undefined],
      ['oper-failed', 'bob', 'alice', true],
    ]);
    expect(JSON.stringify(logged)).not.toContain('sesame');
    const audit = await store.moderation.readAudit({ room: '', limit: 10 });
    expect(audit.map((entry) => [entry.actor, entry.action, entry.target])).toEqual([
      ['alice', 'oper', 'alice'],
    ]);
  });

  it('de-opers, and forgets operators that leave', async () => {
    const { chat, alice, join } = await server();
    expect((await failure(() => chat.operators.deoper(alice.member))).code).toBe(
      'NOT_SERVER_OPERATOR',
    );
    await chat.operators.oper(alice.member, 'alice', 'sesame');
    chat.operators.deoper(alice.member);
    expect(alice.member.operator).toBeUndefined();
    expect(alice.peer.of('oper').at(-1)).toEqual({ type: 'oper', name: undefined });
    expect(chat.operators.count).toBe(0);
    const dave = await join('dave');
    await chat.operators.oper(dave.member, 'alice', 'sesame');
    expect(chat.operators.count).toBe(1);
    chat.detach(dave.member, 'gone');
    expect(chat.operators.count).toBe(0);
  });

  it('KILL: only operators; the victim is let go saying who and why, their rooms hear it', async () => {
    const { chat, alice, bob, carol } = await server();
    expect((await failure(() => chat.operators.kill(carol.member, 'bob', 'x'))).code).toBe(
      'NOT_SERVER_OPERATOR',
    );
    await chat.operators.oper(alice.member, 'alice', 'sesame');
    const nobody = await failure(() => chat.operators.kill(alice.member, 'nobody', 'x'));
    expect([nobody.code, nobody.about]).toEqual(['NO_SUCH_NICK', ['nobody']]);
    await chat.operators.kill(alice.member, 'BOB', 'spam');
    expect([bob.peer.disconnected, bob.peer.cause]).toEqual(['Killed by alice (spam)', 'killed']);
    expect(bob.member.gone).toBe(true);
    expect(carol.peer.of('quit')).toEqual([
      { type: 'quit', nick: 'bob', reason: 'Killed by alice (spam)' },
    ]);
    expect(chat.describe('bob')).toBeUndefined();
  });

  it('carries out kills and server bans from other nodes', async () => {
    const { chat, bob, carol } = await server();
    chat.elsewhere.receive(
      { type: 'kill', nick: 'op', target: 'bob', reason: 'Killed by op (far away)' },
      {},
    );
    expect([bob.peer.disconnected, bob.peer.cause]).toEqual(['Killed by op (far away)', 'killed']);
    chat.elsewhere.receive(
      { type: 'server-ban', nick: 'op', mask: 'carol!*@*', on: true, setAt: 1, reason: 'x' },
      {},
    );
    expect([carol.peer.disconnected, carol.peer.cause]).toEqual([
      'Banned from this server: x',
      'banned',
    ]);
    expect(chat.operators.bans.list().map((ban) => ban.mask)).toEqual(['carol!*@*']);
    chat.elsewhere.receive(
      { type: 'server-ban', nick: 'op', mask: 'CAROL!*@*', on: false, setAt: 2, reason: '' },
      {},
    );
    expect(chat.operators.bans.list()).toEqual([]);
  });

  it('server bans: stored, enforced now and at registration and renaming, but not on operators; they run out', async () => {
    const { chat, join, alice, bob, carol, store, advance } = await server();
    await chat.operators.oper(alice.member, 'alice', 'sesame');
    // These peers have no host: by nickname, the ban is on the nickname.
    await chat.operators.kline(alice.member, 'bob', { durationMs: 60_000, reason: 'spam' });
    expect(alice.peer.of('notice').at(-1)?.text).toBe(
      'Added a server ban (K-line) on bob!*@* for 1m: spam',
    );
    expect([bob.peer.disconnected, bob.peer.cause]).toEqual([
      'Banned from this server for 1m: spam',
      'banned',
    ]);
    expect(carol.peer.of('quit').at(-1)?.reason).toBe('Banned from this server for 1m: spam');
    const stored = await store.moderation.loadModeration(0);
    expect(stored.sanctions).toMatchObject([{ room: '', mask: 'bob!*@*', expiresAt: 1_060_000 }]);

    const again = await failure(() => join('Bob'));
    expect([again.code, again.about, again.closes]).toEqual([
      'BANNED_FROM_SERVER',
      [],
      { reason: 'Banned from this server for 1m: spam', cause: 'banned' },
    ]);
    expect((await failure(() => chat.changeNick(carol.member, 'bob'))).code).toBe('NICK_INVALID');
    // An operator is neither put out nor kept out of rooms by one.
    await chat.operators.kline(alice.member, 'alice!*@*');
    expect(alice.peer.disconnected).toBeUndefined();
    await chat.join(alice.member, '#dev');
    expect(alice.member.rooms.has('#dev')).toBe(true);

    advance(60_000);
    await join('bob');
    expect(chat.operators.bans.list().map((ban) => ban.mask)).toEqual(['alice!*@*']);
    await chat.operators.unkline(alice.member, 'alice!*@*');
    expect((await failure(() => chat.operators.unkline(alice.member, 'alice!*@*'))).code).toBe(
      'NO_SUCH_SERVER_BAN',
    );
    expect((await failure(() => chat.operators.kline(alice.member, '*@*'))).message).toBe(
      '"*!*@*" would ban everyone.',
    );
    const actions = (await store.moderation.readAudit({ room: '', limit: 10 })).map(
      (e) => e.action,
    );
    expect(actions).toEqual(['unkline', 'kline', 'kline', 'oper']);
  });

  it(`keeps at most ${MAX_SERVER_BANS} server bans`, async () => {
    const { chat, alice } = await server();
    await chat.operators.oper(alice.member, 'alice', 'sesame');
    for (let i = 0; i < MAX_SERVER_BANS; i++) await chat.operators.kline(alice.member, `n${i}!*@*`);
    expect((await failure(() => chat.operators.kline(alice.member, 'one!*@*'))).code).toBe(
      'LIST_FULL',
    );
    // Setting one that is there again is a change, not one more.
    await chat.operators.kline(alice.member, 'n0!*@*', { reason: 'again' });
  });

  it('WALLOPS: only operators, to everyone connected (doors show whom they will)', async () => {
    const { chat, alice, carol } = await server();
    expect((await failure(() => chat.operators.wallops(carol.member, 'hi'))).code).toBe(
      'NOT_SERVER_OPERATOR',
    );
    await chat.operators.oper(alice.member, 'alice', 'sesame');
    chat.operators.wallops(alice.member, ' restart at noon ');
    expect(carol.peer.of('wallops')).toEqual([
      { type: 'wallops', nick: 'alice', text: 'restart at noon' },
    ]);
    expect((await failure(() => chat.operators.wallops(alice.member, '  '))).code).toBe(
      'BAD_ARGUMENTS',
    );
    expect((await failure(() => chat.operators.wallops(alice.member, 'x'.repeat(401)))).code).toBe(
      'TEXT_TOO_LONG',
    );
  });
});
