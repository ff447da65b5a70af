import type { Sql } from '../sql.ts';

/** Statements about the database itself rather than a table: the health check and install locks. */

/** Answers when the database does; throws when it is unreachable. */
export async function ping(sql: Sql): Promise<void> {
  await sql`SELECT 1`;
}

/**
 * Runs `fn` while holding a session-level advisory lock named `name` on one reserved
 * connection, for work that is not one transaction (another library's migrations).
 */
export async function withAdvisoryLock<T>(sql: Sql, name: string, fn: () => Promise<T>): Promise<T> {
  const lock = await sql.reserve();
  try {
    await lock`SELECT pg_advisory_lock(hashtext(${name}))`;
    return await fn();
  } finally {
    await lock`SELECT pg_advisory_unlock(hashtext(${name}))`.catch(() => {});
    lock.release();
  }
}
