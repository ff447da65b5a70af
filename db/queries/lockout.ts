import type { Db } from '../sql.ts';

/**
 * The lock on an e-mail address as typed, if any, and whether it has been lifted for one
 * user with that address (an admin's unlock, or a password reset, lifts it only for their
 * own user; the same address in another organization stays locked).
 */
export async function getLock(
  db: Db,
  emailKey: string,
  userId: string | null,
): Promise<{ lockedUntil: Date; liftedForUser: boolean } | null> {
  const rows = await db`SELECT l.locked_until,
      EXISTS (SELECT 1 FROM login_unlocks u
        WHERE u.email_key = l.email_key AND u.user_id = ${userId}::uuid AND u.locked_at = l.locked_at) AS lifted
    FROM login_locks l WHERE l.email_key = ${emailKey} AND l.locked_until > now()`;
  const row = rows[0];
  return row ? { lockedUntil: row.locked_until as Date, liftedForUser: row.lifted as boolean } : null;
}

/**
 * An attempt recorded as a failure before its check, with how many the address's window
 * holds with it (committed before counted: of attempts racing each other the k-th counts at
 * least k). A right password takes back its own row (releaseAttempt) and no other.
 */
export async function reserveAttempt(
  db: Db,
  f: { emailKey: string; ip: string | null; windowMinutes: number },
): Promise<{ id: string; count: number }> {
  const [row] = await db`INSERT INTO login_failures (email_key, ip) VALUES (${f.emailKey}, ${f.ip}) RETURNING id::text`;
  const rows = await db`SELECT count(*)::int AS n FROM login_failures
    WHERE email_key = ${f.emailKey} AND at > now() - ${f.windowMinutes}::int * interval '1 minute'`;
  return { id: row!.id as string, count: rows[0]!.n as number };
}

/** Takes back an attempt recorded by reserveAttempt that turned out not to be a failure. */
export async function releaseAttempt(db: Db, emailKey: string, id: string): Promise<void> {
  await db`DELETE FROM login_failures WHERE email_key = ${emailKey} AND id = ${id}::bigint`;
}

/** Locks the address (its failures reached the limit); true when this made a new lock. */
export async function lockAddress(db: Db, f: { emailKey: string; lockMinutes: number }): Promise<boolean> {
  // A new lock gets a new locked_at, so unlocks of an earlier lock do not lift it.
  const locked = await db`INSERT INTO login_locks (email_key, locked_until, locked_at)
    VALUES (${f.emailKey}, now() + ${f.lockMinutes}::int * interval '1 minute', now())
    ON CONFLICT (email_key) DO UPDATE SET locked_until = excluded.locked_until, locked_at = excluded.locked_at
      WHERE login_locks.locked_until <= now()
    RETURNING email_key`;
  // Failures that led to a lock are spent: after the lock the count starts again.
  if (locked.length > 0) await db`DELETE FROM login_failures WHERE email_key = ${f.emailKey}`;
  return locked.length > 0;
}

export async function clearFailures(db: Db, emailKey: string): Promise<void> {
  await db`DELETE FROM login_failures WHERE email_key = ${emailKey}`;
}

/**
 * Lifts the address's current lock for one user only. The failures are counted per address,
 * for every organization that has it, so they are left alone. Returns whether a lock was
 * lifted (false when there is none, or it was already lifted for this user).
 */
export async function unlock(db: Db, u: { emailKey: string; orgId: string; userId: string }): Promise<boolean> {
  const rows = await db`INSERT INTO login_unlocks (email_key, org_id, user_id, locked_at)
    SELECT email_key, ${u.orgId}, ${u.userId}, locked_at FROM login_locks
      WHERE email_key = ${u.emailKey} AND locked_until > now()
    ON CONFLICT (email_key, org_id, user_id) DO UPDATE SET locked_at = excluded.locked_at, unlocked_at = now(), failures = 0
      WHERE login_unlocks.locked_at IS DISTINCT FROM excluded.locked_at
    RETURNING user_id`;
  return rows.length > 0;
}

/**
 * A failed attempt while the address is locked (answered "locked", not counted as a failure)
 * still uses up the tries of every user the lock was lifted for: once they reach the
 * lockout's attempts, the unlock is gone and that user meets the lock again.
 */
export async function spendUnlocks(db: Db, emailKey: string, attempts: number): Promise<void> {
  await db`UPDATE login_unlocks u SET failures = u.failures + 1 FROM login_locks l
    WHERE l.email_key = ${emailKey} AND l.locked_until > now() AND u.email_key = l.email_key AND u.locked_at = l.locked_at`;
  await db`DELETE FROM login_unlocks WHERE email_key = ${emailKey} AND failures >= ${attempts}`;
}

export async function pruneLoginFailures(db: Db, windowMinutes: number): Promise<void> {
  await db`DELETE FROM login_failures WHERE at < now() - ${windowMinutes}::int * interval '1 minute'`;
  await db`DELETE FROM login_locks WHERE locked_until < now()`;
  // An unlock means something only while the lock it lifted lasts.
  await db`DELETE FROM login_unlocks u WHERE NOT EXISTS (
    SELECT 1 FROM login_locks l WHERE l.email_key = u.email_key AND l.locked_at = u.locked_at)`;
}

/** For an admin's user list: the lock each user still sees (user id → until when). */
export async function lockedUsers(db: Db, users: { id: string; emailKey: string }[]): Promise<Map<string, Date>> {
  if (users.length === 0) return new Map();
  const rows = await db`SELECT x.user_id::text AS user_id, l.locked_until
    FROM unnest(${users.map((u) => u.id)}::uuid[], ${users.map((u) => u.emailKey)}::text[]) AS x (user_id, email_key)
    JOIN login_locks l ON l.email_key = x.email_key AND l.locked_until > now()
    WHERE NOT EXISTS (SELECT 1 FROM login_unlocks u
      WHERE u.email_key = l.email_key AND u.user_id = x.user_id AND u.locked_at = l.locked_at)`;
  return new Map(rows.map((r) => [r.user_id as string, r.locked_until as Date]));
}
