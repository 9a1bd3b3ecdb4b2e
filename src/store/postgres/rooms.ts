import type pg from 'pg';
import type { RoomRecord } from '../../core/history.js';

interface RoomRow {
  key: string;
  name: string;
  topic: string;
  topic_set_by: string | null;
  topic_set_at: string | null;
  created_by: string;
  created_at: string;
}

// BIGINT arrives as a string (it may exceed 2^53); ours are ms timestamps, which don't.
function toRoom(row: RoomRow): RoomRecord {
  return {
    key: row.key,
    name: row.name,
    topic: row.topic,
    topicSetBy: row.topic_set_by ?? undefined,
    topicSetAt: row.topic_set_at == null ? undefined : Number(row.topic_set_at),
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
  };
}

const INSERT_ROOM = `INSERT INTO rooms (key, name, topic, topic_set_by, topic_set_at, created_by, created_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7)`;

function roomValues(room: RoomRecord): unknown[] {
  return [
    room.key,
    room.name,
    room.topic,
    room.topicSetBy ?? null,
    room.topicSetAt ?? null,
    room.createdBy,
    room.createdAt,
  ];
}

export async function saveRoom(pool: pg.Pool, room: RoomRecord): Promise<void> {
  await pool.query(
    `${INSERT_ROOM}
     ON CONFLICT (key) DO UPDATE SET name = excluded.name, topic = excluded.topic,
       topic_set_by = excluded.topic_set_by, topic_set_at = excluded.topic_set_at`,
    roomValues(room),
  );
}

/**
 * Inserts the record unless its key is taken, and returns whichever is stored. The insert
 * alone decides, atomically, even against another server inserting the same key. The read of
 * the other's record is a statement of its own: a read in the insert's statement (a CTE) uses
 * the snapshot taken before the insert waited for the other server, so it misses the record
 * that server committed meanwhile.
 */
export async function createRoom(pool: pg.Pool, room: RoomRecord): Promise<RoomRecord> {
  for (let attempt = 1; ; attempt++) {
    const inserted = await pool.query<RoomRow>(
      `${INSERT_ROOM} ON CONFLICT (key) DO NOTHING RETURNING *`,
      roomValues(room),
    );
    if (inserted.rows[0]) return toRoom(inserted.rows[0]);
    const existing = await pool.query<RoomRow>('SELECT * FROM rooms WHERE key = $1', [room.key]);
    if (existing.rows[0]) return toRoom(existing.rows[0]);
    // Gone between the two statements: another server deleted it as empty. Ours may go in now.
    if (attempt >= 3) throw new Error(`room ${room.key} was deleted while being created`);
  }
}

export async function deleteEmptyRoom(pool: pg.Pool, key: string): Promise<boolean> {
  const result = await pool.query(
    'DELETE FROM rooms WHERE key = $1 AND NOT EXISTS (SELECT 1 FROM messages WHERE target = $1)',
    [key],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function loadRooms(pool: pg.Pool): Promise<RoomRecord[]> {
  const { rows } = await pool.query<RoomRow>('SELECT * FROM rooms ORDER BY key');
  return rows.map(toRoom);
}
