import type pg from 'pg';

/** PostgreSQL's deadlock_detected: this transaction was rolled back to break a cycle. */
export const DEADLOCK_DETECTED = '40P01';

/**
 * Lends a pooled connection. A connection that dies while lent emits an error event besides
 * failing its query; without a listener that event would crash the process.
 */
export async function withClient<T>(
  pool: pg.Pool,
  use: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let failure: Error | undefined;
  const onError = (error: Error) => {
    failure = error;
  };
  client.on('error', onError);
  try {
    return await use(client);
  } finally {
    client.off('error', onError);
    // A broken connection goes back destroyed, not to be lent again.
    client.release(failure);
  }
}

/** Runs `work` in one transaction on a lent connection: committed if it returns, else rolled back. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  return withClient(pool, async (client) => {
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  });
}
