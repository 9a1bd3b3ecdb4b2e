/**
 * One store-throughput run, in a process of its own (forked by bench/main.ts, so runs do not
 * share a heap or a JIT warm-up): a GroupCommitter over a fresh store takes `total` appends of
 * `bytes`-byte messages, issued `burst` at a time in one event-loop turn (as if `burst`
 * connections each sent a message in the same turn). Reports messages per second from the
 * first append to the last one stored.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GroupCommitter } from '../src/core/group-commit.js';
import type { HistoryStore, NewMessage } from '../src/core/history.js';
import { MemoryStore } from '../src/store/memory.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { busyCores, cpuTimes } from './machine.js';
import { textPool } from './messages.js';

export type StoreKind = 'sqlite-normal' | 'sqlite-full' | 'memory';

export interface StoreRunConfig {
  store: StoreKind;
  total: number;
  burst: number;
  bytes: number;
}

export interface StoreRunResult {
  messages: number;
  ms: number;
  perSecond: number;
  /** Transactions (store.append calls) the committer made. */
  batches: number;
  /** CPU time of this process (user + system) over the run, as a share of the wall time. */
  cpu: number;
  /** Cores' worth of CPU that other processes used meanwhile. */
  otherCores: number;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function run(config: StoreRunConfig): Promise<StoreRunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'chatroom-bench-'));
  try {
    let store: HistoryStore;
    if (config.store === 'memory') store = new MemoryStore();
    else {
      store = SqliteStore.open({
        dataDir: dir,
        synchronous: config.store === 'sqlite-full' ? 'full' : 'normal',
      });
    }
    let batches = 0;
    const append = store.append.bind(store);
    store.append = (messages: readonly NewMessage[]) => {
      batches++;
      return append(messages);
    };
    // The server's defaults: at most 10,000 waiting, at most 1,000 per transaction.
    const committer = new GroupCommitter(store, 10_000);
    const texts = textPool(4096, config.bytes);
    const senders = 100;

    let issued = 0;
    let stored = 0;
    let failed = 0;
    let lastId = 0;
    let wake: (() => void) | undefined;
    const settled = () => {
      stored++;
      if (wake && issued - stored < 5_000) {
        wake();
        wake = undefined;
      }
    };
    const onStored = (message: { id: number }) => {
      if (message.id !== lastId + 1) failed++;
      lastId = message.id;
      settled();
    };
    const onFailed = () => {
      failed++;
      settled();
    };

    const cpuBefore = process.cpuUsage();
    const machineBefore = cpuTimes();
    const start = performance.now();
    while (issued < config.total) {
      const n = Math.min(config.burst, config.total - issued);
      for (let i = 0; i < n; i++) {
        committer
          .append({
            target: '#lobby',
            sender: `user${issued % senders}`,
            text: texts[issued % texts.length]!,
            action: false,
            time: Date.now(),
          })
          .then(onStored, onFailed);
        issued++;
      }
      // Bounded in flight (the committer refuses past 10,000): wait for the store to catch up.
      if (issued - stored >= 5_000) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      await turn();
    }
    await committer.drain();
    while (stored < issued) await turn();
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpuBefore);
    const machine = busyCores(machineBefore, cpuTimes(), ms);
    await store.close();
    if (failed > 0) throw new Error(`${failed} appends failed or came back out of order`);
    return {
      messages: issued,
      ms,
      perSecond: (issued / ms) * 1000,
      batches,
      cpu: (cpu.user + cpu.system) / 1000 / ms,
      otherCores: machine - (cpu.user + cpu.system) / 1000 / ms,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const config = JSON.parse(process.argv[2] ?? '{}') as StoreRunConfig;
run(config).then(
  (result) => {
    process.send!({ ok: true, result }, () => process.exit(0));
  },
  (error: unknown) => {
    process.send!({ ok: false, error: String(error) }, () => process.exit(1));
  },
);
