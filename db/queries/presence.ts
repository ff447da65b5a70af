import type { Db, Tx } from '../sql.ts';

/**
 * A process is live while its heartbeat is younger than this, by the database's clock (every
 * process heartbeats every 10 s, so a process missing six beats is dead).
 */
export const PROCESS_LIVE_SECONDS = 60;

/** An agent_devices row of a live process for the user `u` (alias of users in the statement). */
const LIVE_DEVICE = `EXISTS (SELECT 1 FROM agent_devices d JOIN server_processes p ON p.id = d.process_id
  WHERE d.org_id = u.org_id AND d.user_id = u.id AND p.heartbeat_at > now() - ${PROCESS_LIVE_SECONDS} * interval '1 second')`;

/** Registers the process, or beats its heart: false when it was not registered (first start, or swept as dead). */
export async function beatProcess(db: Db, processId: string): Promise<boolean> {
  const rows = await db`UPDATE server_processes SET heartbeat_at = now() WHERE id = ${processId} RETURNING id`;
  if (rows.length > 0) return true;
  await db`INSERT INTO server_processes (id) VALUES (${processId}) ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()`;
  return false;
}

/** Locks the user's row: device changes (and logins) of one agent happen one at a time, on any process. */
async function lockConnected(tx: Tx, orgId: string, userId: string): Promise<boolean | null> {
  const rows = await tx`SELECT connected FROM users WHERE org_id = ${orgId} AND id = ${userId} FOR UPDATE`;
  return rows[0] ? (rows[0].connected as boolean) : null;
}

/**
 * The user has a device on this process: its row (with the connections counted here), and the
 * user connected with no device lost. True when they were not connected before (announce it).
 */
export async function deviceOpened(tx: Tx, processId: string, orgId: string, userId: string, connections: number): Promise<boolean> {
  const was = await lockConnected(tx, orgId, userId);
  if (was === null) return false;
  // Registered here too: a device may open before the first heartbeat, or after a stall got
  // this process swept as dead.
  await tx`INSERT INTO server_processes (id) VALUES (${processId}) ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()`;
  await tx`INSERT INTO agent_devices (process_id, org_id, user_id, connections) VALUES (${processId}, ${orgId}, ${userId}, ${connections})
    ON CONFLICT (process_id, user_id) DO UPDATE SET connections = EXCLUDED.connections`;
  await tx`UPDATE users SET connected = true, device_lost_at = NULL WHERE org_id = ${orgId} AND id = ${userId}`;
  return !was;
}

/**
 * The user's last device on this process went away: its row goes, and when no live process
 * holds another one the grace period starts (`connected` stays true until the sweep).
 */
export async function deviceClosed(tx: Tx, processId: string, orgId: string, userId: string): Promise<void> {
  if ((await lockConnected(tx, orgId, userId)) === null) return;
  await tx`DELETE FROM agent_devices WHERE process_id = ${processId} AND user_id = ${userId}`;
  await tx.unsafe(
    `UPDATE users u SET device_lost_at = now()
     WHERE u.org_id = $1 AND u.id = $2 AND u.connected AND u.device_lost_at IS NULL AND NOT ${LIVE_DEVICE}`,
    [orgId, userId],
  );
}

/** The connections counted here for users whose count changed since it was written. */
export async function updateConnectionCounts(db: Db, processId: string, counts: { userId: string; connections: number }[]): Promise<void> {
  if (counts.length === 0) return;
  await db`UPDATE agent_devices d SET connections = v.n
    FROM unnest(${counts.map((c) => c.userId)}::uuid[], ${counts.map((c) => c.connections)}::int[]) AS v(user_id, n)
    WHERE d.process_id = ${processId} AND d.user_id = v.user_id AND d.connections <> v.n`;
}

/**
 * A sign-in counts as a device just seen: with no live device, the user is connected for the
 * grace period from now (or from when the device was lost, while still connected), so an
 * agent who just signed in is available before the browser's stream opens. True when they
 * were not connected before (announce it).
 */
export async function signInSeen(tx: Tx, orgId: string, userId: string): Promise<boolean> {
  const was = await lockConnected(tx, orgId, userId);
  if (was === null) return false;
  const rows = await tx.unsafe(
    `UPDATE users u SET connected = true,
       device_lost_at = CASE WHEN u.connected THEN coalesce(u.device_lost_at, now()) ELSE now() END
     WHERE u.org_id = $1 AND u.id = $2 AND NOT ${LIVE_DEVICE} RETURNING u.id`,
    [orgId, userId],
  );
  return rows.length > 0 && !was;
}

/** This process stops: its rows go; its users left with no live device start their grace period. */
export async function unregisterProcess(tx: Tx, processId: string): Promise<void> {
  const gone = await tx`DELETE FROM agent_devices WHERE process_id = ${processId} RETURNING org_id, user_id`;
  await tx`DELETE FROM server_processes WHERE id = ${processId}`;
  if (gone.length === 0) return;
  await tx.unsafe(
    `UPDATE users SET device_lost_at = now() WHERE id IN (
       SELECT u.id FROM users u JOIN unnest($1::uuid[], $2::uuid[]) AS g(org_id, user_id) ON u.org_id = g.org_id AND u.id = g.user_id
       WHERE u.connected AND u.device_lost_at IS NULL AND NOT ${LIVE_DEVICE} ORDER BY u.id FOR UPDATE OF u)`,
    [gone.map((r) => r.org_id as string), gone.map((r) => r.user_id as string)],
  );
}

/** Dead processes (no heartbeat for PROCESS_LIVE_SECONDS by the database's clock) go, with their devices. */
export async function deleteDeadProcesses(db: Db): Promise<number> {
  const rows = await db.unsafe(
    `DELETE FROM server_processes WHERE heartbeat_at < now() - ${PROCESS_LIVE_SECONDS} * interval '1 second' RETURNING id`,
  );
  return rows.length;
}

/**
 * Users connected with no device lost and no live device (their process died, or they signed
 * in and no browser came): the grace period starts at `now`. Users with a live device and a
 * loss recorded (a close raced an open elsewhere) are put straight.
 */
export async function markDevicesLost(db: Db, now: Date): Promise<void> {
  // Rows are locked in id order: two processes sweeping at once wait for each other in turn,
  // never in a cycle, and a sweep that returns has settled every row it matched.
  await db.unsafe(
    `UPDATE users SET device_lost_at = $1 WHERE id IN (SELECT u.id FROM users u
       WHERE u.connected AND u.device_lost_at IS NULL AND NOT ${LIVE_DEVICE} ORDER BY u.id FOR UPDATE)`,
    [now],
  );
  await db.unsafe(
    `UPDATE users SET device_lost_at = NULL WHERE id IN (SELECT u.id FROM users u
       WHERE u.connected AND u.device_lost_at IS NOT NULL AND ${LIVE_DEVICE} ORDER BY u.id FOR UPDATE)`,
  );
}

/**
 * Users whose last device went away longer than their organization's grace before `now`, with
 * none since: no longer connected. Conditional, so of several processes sweeping at once one
 * turns each user (and announces it).
 */
export async function disconnectPastGrace(db: Db, now: Date): Promise<{ orgId: string; userId: string }[]> {
  const rows = await db.unsafe(
    `UPDATE users SET connected = false WHERE id IN (
       SELECT u.id FROM users u JOIN organizations o ON o.id = u.org_id
       WHERE u.connected AND u.device_lost_at < $1::timestamptz - o.presence_grace_seconds * interval '1 second'
         AND NOT ${LIVE_DEVICE}
       ORDER BY u.id FOR UPDATE OF u)
       AND connected
     RETURNING org_id, id`,
    [now],
  );
  return rows.map((r) => ({ orgId: r.org_id as string, userId: r.id as string }));
}
