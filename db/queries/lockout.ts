import type { Db } from '../sql.ts';

/** The lock that applies to an e-mail address as typed, if any. */
export async function getLock(db: Db, emailKey: string): Promise<Date | null> {
  const rows = await db`SELECT locked_until FROM login_locks WHERE email_key = ${emailKey} AND locked_until > now()`;
  return (rows[0]?.locked_until as Date | undefined) ?? null;
}

/**
 * Records a failed login and locks the address when the window holds enough failures.
 * Returns true when this failure caused a new lock.
 */
export async function recordFailure(
  db: Db,
  f: { emailKey: string; ip: string | null; attempts: number; windowMinutes: number; lockMinutes: number },
): Promise<boolean> {
  await db`INSERT INTO login_failures (email_key, ip) VALUES (${f.emailKey}, ${f.ip})`;
  const rows = await db`SELECT count(*)::int AS n FROM login_failures
    WHERE email_key = ${f.emailKey} AND at > now() - ${f.windowMinutes}::int * interval '1 minute'`;
  if ((rows[0]!.n as number) < f.attempts) return false;
  const locked = await db`INSERT INTO login_locks (email_key, locked_until)
    VALUES (${f.emailKey}, now() + ${f.lockMinutes}::int * interval '1 minute')
    ON CONFLICT (email_key) DO UPDATE SET locked_until = excluded.locked_until
      WHERE login_locks.locked_until <= now()
    RETURNING email_key`;
  // Failures that led to a lock are spent: after the lock the count starts again.
  if (locked.length > 0) await db`DELETE FROM login_failures WHERE email_key = ${f.emailKey}`;
  return locked.length > 0;
}

export async function clearFailures(db: Db, emailKey: string): Promise<void> {
  await db`DELETE FROM login_failures WHERE email_key = ${emailKey}`;
}

/** Admin unlock: lifts the lock and forgets the failures. Returns whether a lock was lifted. */
export async function unlock(db: Db, emailKey: string): Promise<boolean> {
  await db`DELETE FROM login_failures WHERE email_key = ${emailKey}`;
  const rows = await db`DELETE FROM login_locks WHERE email_key = ${emailKey} AND locked_until > now() RETURNING email_key`;
  await db`DELETE FROM login_locks WHERE email_key = ${emailKey}`;
  return rows.length > 0;
}

export async function pruneLoginFailures(db: Db, windowMinutes: number): Promise<void> {
  await db`DELETE FROM login_failures WHERE at < now() - ${windowMinutes}::int * interval '1 minute'`;
  await db`DELETE FROM login_locks WHERE locked_until < now()`;
}

export async function lockedEmails(db: Db, emailKeys: string[]): Promise<Map<string, Date>> {
  if (emailKeys.length === 0) return new Map();
  const rows = await db`SELECT email_key, locked_until FROM login_locks
    WHERE email_key = ANY(${emailKeys}::text[]) AND locked_until > now()`;
  return new Map(rows.map((r) => [r.email_key as string, r.locked_until as Date]));
}
