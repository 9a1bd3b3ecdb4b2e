import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';

export const LOCK_FILE = 'chatroom.lock';
/** Plain text beside the lock, read only to name the holder in the refusal. */
const HOLDER_FILE = 'chatroom.pid';

/** Another server holds the data directory; the CLI prints the message as it is. */
export class DataDirLockedError extends Error {
  constructor(dataDir: string, holder: string | undefined) {
    super(
      `another chatroom server${holder ? ` (pid ${holder})` : ''} is already using the data directory ${resolve(dataDir)}; ` +
        'two servers on one directory would each hand out the same nicknames. ' +
        'Stop the other server, or give this one its own --data-dir.',
    );
    this.name = 'DataDirLockedError';
  }
}

/**
 * An exclusive hold on a data directory for as long as the server runs. It is SQLite's own
 * file lock (POSIX fcntl) on a small file of its own: the kernel drops it when the process
 * ends however it ends, kill -9 included, so there is never a stale lock to clean up, and the
 * history database itself stays readable by `sqlite3` for backups while the server runs.
 */
export class DataDirLock {
  private constructor(private readonly db: Database.Database) {}

  static acquire(dataDir: string): DataDirLock {
    const db = new Database(join(dataDir, LOCK_FILE));
    try {
      // No waiting: a second server should be refused at once, not hang at start.
      db.pragma('busy_timeout = 0');
      db.pragma('journal_mode = DELETE');
      db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY') {
        throw new DataDirLockedError(dataDir, readHolder(dataDir));
      }
      throw error;
    }
    try {
      writeFileSync(join(dataDir, HOLDER_FILE), `${process.pid}\n`);
    } catch {
      // Naming the holder is a courtesy; the lock above is what protects the directory.
    }
    return new DataDirLock(db);
  }

  release(): void {
    if (this.db.open) this.db.close();
  }
}

function readHolder(dataDir: string): string | undefined {
  try {
    const pid = readFileSync(join(dataDir, HOLDER_FILE), 'utf8').trim();
    return /^\d+$/.test(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}
