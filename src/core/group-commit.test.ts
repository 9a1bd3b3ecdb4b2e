import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/memory.js';
import { GroupCommitter } from './group-commit.js';
import type { NewMessage } from './history.js';

const message = (text: string): NewMessage => ({
  target: '#r',
  sender: 'ann',
  text,
  action: false,
  time: 1,
});

describe('GroupCommitter relays', () => {
  it("runs a batch's relays together, in order, once it is stored and before anyone resumes", async () => {
    const log: string[] = [];
    const committer = new GroupCommitter(new MemoryStore(), 100, (relays) => {
      log.push('batch begins');
      relays();
      log.push('batch ends');
    });
    const relay = (stored: { id: number; text: string }) =>
      log.push(`relay ${stored.id} ${stored.text}`);
    const stored = await Promise.all([
      committer.append(message('a'), relay).then((s) => log.push(`resumed ${s.id}`)),
      committer.append(message('b')),
      committer.append(message('c'), relay).then((s) => log.push(`resumed ${s.id}`)),
    ]);
    expect(stored).toHaveLength(3);
    expect(log).toEqual([
      'batch begins',
      'relay 1 a',
      'relay 3 c',
      'batch ends',
      'resumed 1',
      'resumed 3',
    ]);
  });

  it('fails only the append whose relay threw; the others are relayed and resolve', async () => {
    const committer = new GroupCommitter(new MemoryStore());
    const relayed: string[] = [];
    const results = await Promise.allSettled([
      committer.append(message('ok 1'), (s) => relayed.push(s.text)),
      committer.append(message('broken'), () => {
        throw new Error('relay broke');
      }),
      committer.append(message('ok 2'), (s) => relayed.push(s.text)),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(relayed).toEqual(['ok 1', 'ok 2']);
  });

  it('fails the appends with the error of a batch whose delivery broke, not as unstored', async () => {
    const store = new MemoryStore();
    const committer = new GroupCommitter(store, 100, (relays) => {
      relays();
      throw new Error('delivery broke');
    });
    const result = await Promise.allSettled([committer.append(message('x'), () => {})]);
    expect(result[0]).toMatchObject({ status: 'rejected', reason: { message: 'delivery broke' } });
    expect(committer.lastWrite?.ok).toBe(true);
    expect((await store.latest('#r', 10)).map((stored) => stored.text)).toEqual(['x']);
  });
});
