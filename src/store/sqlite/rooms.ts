import type Database from 'better-sqlite3';
import type { RoomRecord } from '../../core/history.js';

interface RoomRow {
  key: string;
  name: string;
  topic: string;
  topic_set_by: string | null;
  topic_set_at: number | null;
  created_by: string;
  created_at: number;
}

function toRoom(row: RoomRow): RoomRecord {
  return {
    key: row.key,
    name: row.name,
    topic: row.topic,
    topicSetBy: row.topic_set_by ?? undefined,
    topicSetAt: row.topic_set_at ?? undefined,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

/** The room records of a SQLite store, through statements prepared once. */
export class SqliteRooms {
  private readonly statements;
  /** Inserts the record unless its key is taken, then reads back whichever is stored. */
  readonly create: (room: RoomRecord) => RoomRecord;

  constructor(db: Database.Database) {
    this.statements = {
      save: db.prepare(
        `INSERT INTO rooms (key, name, topic, topic_set_by, topic_set_at, created_by, created_at)
         VALUES (@key, @name, @topic, @topicSetBy, @topicSetAt, @createdBy, @createdAt)
         ON CONFLICT (key) DO UPDATE SET name = excluded.name, topic = excluded.topic,
           topic_set_by = excluded.topic_set_by, topic_set_at = excluded.topic_set_at`,
      ),
      insertNew: db.prepare(
        `INSERT INTO rooms (key, name, topic, topic_set_by, topic_set_at, created_by, created_at)
         VALUES (@key, @name, @topic, @topicSetBy, @topicSetAt, @createdBy, @createdAt)
         ON CONFLICT (key) DO NOTHING`,
      ),
      load: db.prepare<[string], RoomRow>('SELECT * FROM rooms WHERE key = ?'),
      loadAll: db.prepare<[], RoomRow>('SELECT * FROM rooms ORDER BY key'),
      deleteEmpty: db.prepare<[string, string]>(
        'DELETE FROM rooms WHERE key = ? AND NOT EXISTS (SELECT 1 FROM messages WHERE target = ?)',
      ),
    };
    this.create = db.transaction((room: RoomRecord) => {
      this.statements.insertNew.run(roomParams(room));
      return toRoom(this.statements.load.get(room.key)!);
    });
  }

  save(room: RoomRecord): void {
    this.statements.save.run(roomParams(room));
  }

  deleteEmpty(key: string): boolean {
    return this.statements.deleteEmpty.run(key, key).changes > 0;
  }

  loadAll(): RoomRecord[] {
    return this.statements.loadAll.all().map(toRoom);
  }
}

function roomParams(room: RoomRecord) {
  return { ...room, topicSetBy: room.topicSetBy ?? null, topicSetAt: room.topicSetAt ?? null };
}
