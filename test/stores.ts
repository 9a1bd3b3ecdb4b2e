import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ChatStore } from '../src/store/chat-store.js';
import { MemoryStore } from '../src/store/memory.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { onCleanup, tempDir } from './helpers.js';

/** The PostgreSQL the tests use; CI starts one on this address if none is running. */
export const TEST_DATABASE_URL =
  process.env.CHATROOM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema no other test uses, dropped afterwards. */
export function freshSchema(): string {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  onCleanup(async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });
  return schema;
}

export interface StoreFactory {
  name: string;
  durable: boolean;
  /** Opens a store; calling `reopen` on the result gives a new store over the same data. */
  create(): Promise<{ store: ChatStore; reopen: () => Promise<ChatStore> }>;
}

function closing<T extends ChatStore>(store: T): T {
  onCleanup(() => store.close());
  return store;
}

export const STORE_FACTORIES: StoreFactory[] = [
  {
    name: 'memory',
    durable: false,
    async create() {
      const store = new MemoryStore();
      return { store, reopen: async () => store };
    },
  },
  {
    name: 'sqlite',
    durable: true,
    async create() {
      const dataDir = tempDir();
      const open = async () => closing(SqliteStore.open({ dataDir }));
      return { store: await open(), reopen: open };
    },
  },
  {
    name: 'postgres',
    durable: true,
    async create() {
      const schema = freshSchema();
      const open = async () =>
        closing(await PostgresStore.open({ url: TEST_DATABASE_URL, schema }));
      return { store: await open(), reopen: open };
    },
  },
];
