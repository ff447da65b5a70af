import type { Db } from '../sql.ts';

/** The alerts a user may have pushed (the same three as the in-app ones). */
export const PUSH_ALERTS = ['waiting', 'message', 'offer'] as const;
export type PushAlert = (typeof PUSH_ALERTS)[number];
export type PushSettings = Record<PushAlert, boolean>;

export interface PushDevice {
  id: string;
  label: string;
  userAgent: string;
  /** The push service's host (fcm.googleapis.com, web.push.apple.com…): tells the browsers apart. */
  service: string;
  paused: boolean;
  createdAt: Date;
  lastSuccessAt: Date | null;
  failures: number;
  /** The endpoint itself, only to the server (it is a capability: whoever holds it can push to the device). */
  endpoint: string;
}

const DEVICE_COLUMNS = 'id, endpoint, device_label, user_agent, paused, created_at, last_success_at, failures';

function toDevice(r: Record<string, unknown>): PushDevice {
  const endpoint = r.endpoint as string;
  let service = '';
  try {
    service = new URL(endpoint).host;
  } catch {
    /* stored endpoints were validated as URLs */
  }
  return {
    id: r.id as string,
    label: r.device_label as string,
    userAgent: r.user_agent as string,
    service,
    paused: r.paused as boolean,
    createdAt: r.created_at as Date,
    lastSuccessAt: (r.last_success_at as Date | null) ?? null,
    failures: r.failures as number,
    endpoint,
  };
}

// VAPID keys (when the environment has none)

export async function selectVapidKeys(db: Db): Promise<{ publicKey: string; privateKey: string } | null> {
  const [row] = await db`SELECT public_key, private_key FROM push_vapid_keys WHERE id`;
  return row ? { publicKey: row.public_key as string, privateKey: row.private_key as string } : null;
}

/** Stores a pair unless one exists (another process may have won the race); the stored pair is the one to use. */
export async function insertVapidKeys(db: Db, keys: { publicKey: string; privateKey: string }): Promise<void> {
  await db`INSERT INTO push_vapid_keys (id, public_key, private_key) VALUES (true, ${keys.publicKey}, ${keys.privateKey})
    ON CONFLICT (id) DO NOTHING`;
}

// Subscriptions

/** Devices one user may register; a new one beyond this replaces the oldest. */
export const MAX_DEVICES_PER_USER = 20;

export interface NewSubscription {
  orgId: string;
  userId: string;
  sessionId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  label: string;
  userAgent: string;
}

/**
 * Registers this browser for the user (again: new keys, new session). The endpoint is one
 * browser profile: whoever subscribed it before — another user, even of another organization,
 * who signed in on the same browser — stops receiving on it. Knowing the endpoint and its keys
 * proves holding that browser's subscription.
 */
export async function saveSubscription(db: Db, s: NewSubscription): Promise<PushDevice> {
  await db`DELETE FROM push_subscriptions WHERE endpoint = ${s.endpoint} AND NOT (org_id = ${s.orgId} AND user_id = ${s.userId})`;
  const [row] = await db`
    INSERT INTO push_subscriptions (org_id, user_id, session_id, endpoint, p256dh, auth, device_label, user_agent)
    VALUES (${s.orgId}, ${s.userId}, ${s.sessionId}, ${s.endpoint}, ${s.p256dh}, ${s.auth}, ${s.label}, ${s.userAgent})
    ON CONFLICT (org_id, endpoint) DO UPDATE SET session_id = EXCLUDED.session_id, p256dh = EXCLUDED.p256dh,
      auth = EXCLUDED.auth, device_label = EXCLUDED.device_label, user_agent = EXCLUDED.user_agent, failures = 0
    RETURNING ${db.unsafe(DEVICE_COLUMNS)}`;
  // Each device is pushed to on every alert: a bounded number per user (the newest kept).
  await db`DELETE FROM push_subscriptions WHERE org_id = ${s.orgId} AND user_id = ${s.userId} AND id IN (
    SELECT id FROM push_subscriptions WHERE org_id = ${s.orgId} AND user_id = ${s.userId}
    ORDER BY created_at DESC, id DESC OFFSET ${MAX_DEVICES_PER_USER})`;
  return toDevice(row!);
}

export async function listDevices(db: Db, orgId: string, userId: string): Promise<PushDevice[]> {
  const rows = await db`SELECT ${db.unsafe(DEVICE_COLUMNS)} FROM push_subscriptions
    WHERE org_id = ${orgId} AND user_id = ${userId} ORDER BY created_at, id`;
  return rows.map(toDevice);
}

/** Deletes one of the user's devices; false when it is not theirs (or gone). */
export async function deleteDevice(db: Db, orgId: string, userId: string, id: string): Promise<boolean> {
  const rows = await db`DELETE FROM push_subscriptions WHERE org_id = ${orgId} AND user_id = ${userId} AND id = ${id} RETURNING id`;
  return rows.length > 0;
}

export async function setDevicePaused(db: Db, orgId: string, userId: string, id: string, paused: boolean): Promise<PushDevice | null> {
  const [row] = await db`UPDATE push_subscriptions SET paused = ${paused}
    WHERE org_id = ${orgId} AND user_id = ${userId} AND id = ${id} RETURNING ${db.unsafe(DEVICE_COLUMNS)}`;
  return row ? toDevice(row) : null;
}

// Settings

export async function getPushSettings(db: Db, orgId: string, userId: string): Promise<PushSettings> {
  const [row] = await db`SELECT waiting, message, offer FROM push_settings WHERE org_id = ${orgId} AND user_id = ${userId}`;
  return row
    ? { waiting: row.waiting as boolean, message: row.message as boolean, offer: row.offer as boolean }
    : { waiting: true, message: true, offer: true };
}

export async function savePushSettings(db: Db, orgId: string, userId: string, patch: Partial<PushSettings>): Promise<PushSettings> {
  const current = await getPushSettings(db, orgId, userId);
  const next = { ...current, ...patch };
  await db`INSERT INTO push_settings (org_id, user_id, waiting, message, offer) VALUES (${orgId}, ${userId}, ${next.waiting}, ${next.message}, ${next.offer})
    ON CONFLICT (org_id, user_id) DO UPDATE SET waiting = EXCLUDED.waiting, message = EXCLUDED.message, offer = EXCLUDED.offer, updated_at = now()`;
  return next;
}

// Sending

/** Whether anyone of the organization subscribed a device (cached per process: server/events/org-flags.ts). */
export async function hasSubscriptions(db: Db, orgId: string): Promise<boolean> {
  const [r] = await db`SELECT EXISTS (SELECT 1 FROM push_subscriptions WHERE org_id = ${orgId}) AS any`;
  return r!.any as boolean;
}

/** The first process to claim an alert's key sends it; the others find it taken. */
export async function claimAlert(db: Db, orgId: string, key: string): Promise<boolean> {
  const rows = await db`INSERT INTO push_claims (org_id, key) VALUES (${orgId}, ${key}) ON CONFLICT DO NOTHING RETURNING key`;
  return rows.length > 0;
}

export async function pruneClaims(db: Db, before: Date): Promise<void> {
  await db`DELETE FROM push_claims WHERE at < ${before}`;
}

/** Where one alert goes: a device of a recipient, with the recipient's language. */
export interface PushTarget {
  id: string;
  orgId: string;
  userId: string;
  language: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

/**
 * The devices to push `alert` to among `userIds`: active users who left that alert on, devices
 * not paused, registered by a sign-in session still valid (idle and absolute limits).
 */
export async function targetsFor(
  db: Db,
  orgId: string,
  userIds: readonly string[],
  alert: PushAlert,
  session: { idleDays: number; maxDays: number },
): Promise<PushTarget[]> {
  if (userIds.length === 0) return [];
  const rows = await db`
    SELECT p.id, p.user_id, u.language, p.endpoint, p.p256dh, p.auth
    FROM push_subscriptions p
    JOIN users u ON u.org_id = p.org_id AND u.id = p.user_id AND u.deactivated_at IS NULL
    JOIN sessions s ON s.id = p.session_id AND s.org_id = p.org_id AND s.user_id = p.user_id
    LEFT JOIN push_settings ps ON ps.org_id = p.org_id AND ps.user_id = p.user_id
    WHERE p.org_id = ${orgId} AND p.user_id = ANY(${userIds as string[]}::uuid[]) AND NOT p.paused
      AND s.last_verified_at > now() - ${session.idleDays} * interval '1 day'
      AND s.created_at > now() - ${session.maxDays} * interval '1 day'
      AND CASE ${alert}::text WHEN 'waiting' THEN coalesce(ps.waiting, true)
        WHEN 'message' THEN coalesce(ps.message, true) ELSE coalesce(ps.offer, true) END`;
  return rows.map((r) => ({
    id: r.id as string,
    orgId,
    userId: r.user_id as string,
    language: r.language as string,
    endpoint: r.endpoint as string,
    p256dh: r.p256dh as string,
    auth: r.auth as string,
  }));
}

export async function recordPushSuccess(db: Db, orgId: string, id: string): Promise<void> {
  await db`UPDATE push_subscriptions SET last_success_at = now(), failures = 0 WHERE org_id = ${orgId} AND id = ${id}`;
}

export async function recordPushFailure(db: Db, orgId: string, id: string): Promise<void> {
  await db`UPDATE push_subscriptions SET last_failure_at = now(), failures = failures + 1 WHERE org_id = ${orgId} AND id = ${id}`;
}

/** The push service said the subscription is gone (404/410). */
export async function deleteSubscription(db: Db, orgId: string, id: string): Promise<void> {
  await db`DELETE FROM push_subscriptions WHERE org_id = ${orgId} AND id = ${id}`;
}

// What an alert says

export interface PushConversation {
  id: string;
  status: string;
  teamId: string | null;
  teamName: string | null;
  assigneeId: string | null;
  targetUserId: string | null;
  offeredTo: string | null;
  offeredAt: Date | null;
  offerExpiresAt: Date | null;
  queuedAt: Date | null;
  contact: { id: string; name: string; whatsapp: string | null };
  /** Who moved it into its team's queue just now (a transfer), not told of their own action. */
  queuedBy: string | null;
}

export async function conversationForPush(db: Db, orgId: string, conversationId: string): Promise<PushConversation | null> {
  const [r] = await db`
    SELECT c.id, c.status, c.team_id, t.name AS team_name, c.assignee_id, c.target_user_id, c.offered_to, c.offered_at,
      c.offer_expires_at, c.queued_at, k.id AS contact_id, k.name AS contact_name, k.whatsapp,
      (SELECT tr.by_user_id FROM conversation_transfers tr
        WHERE tr.org_id = c.org_id AND tr.conversation_id = c.id AND c.queued_at IS NOT NULL AND tr.at >= c.queued_at - interval '5 seconds'
        ORDER BY tr.at DESC LIMIT 1) AS queued_by
    FROM conversations c
    JOIN contacts k ON k.org_id = c.org_id AND k.id = c.contact_id
    LEFT JOIN teams t ON t.org_id = c.org_id AND t.id = c.team_id
    WHERE c.org_id = ${orgId} AND c.id = ${conversationId}`;
  if (!r) return null;
  return {
    id: r.id as string,
    status: r.status as string,
    teamId: (r.team_id as string | null) ?? null,
    teamName: (r.team_name as string | null) ?? null,
    assigneeId: (r.assignee_id as string | null) ?? null,
    targetUserId: (r.target_user_id as string | null) ?? null,
    offeredTo: (r.offered_to as string | null) ?? null,
    offeredAt: (r.offered_at as Date | null) ?? null,
    offerExpiresAt: (r.offer_expires_at as Date | null) ?? null,
    queuedAt: (r.queued_at as Date | null) ?? null,
    contact: { id: r.contact_id as string, name: r.contact_name as string, whatsapp: (r.whatsapp as string | null) ?? null },
    queuedBy: (r.queued_by as string | null) ?? null,
  };
}

/** Active members of a team: who hears of a conversation waiting in it. */
export async function activeTeamMembers(db: Db, orgId: string, teamId: string): Promise<string[]> {
  const rows = await db`SELECT m.user_id FROM team_members m
    JOIN users u ON u.org_id = m.org_id AND u.id = m.user_id AND u.deactivated_at IS NULL
    WHERE m.org_id = ${orgId} AND m.team_id = ${teamId}`;
  return rows.map((r) => r.user_id as string);
}

export async function messageForPush(db: Db, orgId: string, messageId: string): Promise<{ text: string; kind: string } | null> {
  const [r] = await db`SELECT text, kind FROM messages WHERE org_id = ${orgId} AND id = ${messageId}`;
  return r ? { text: r.text as string, kind: r.kind as string } : null;
}

/** The customer's latest message in a conversation: the short text of a "waiting" or "offer" alert. */
export async function latestCustomerMessage(db: Db, orgId: string, conversationId: string): Promise<{ text: string; kind: string } | null> {
  const [r] = await db`SELECT text, kind FROM messages
    WHERE org_id = ${orgId} AND conversation_id = ${conversationId} AND direction = 'in'
    ORDER BY created_at DESC, id DESC LIMIT 1`;
  return r ? { text: r.text as string, kind: r.kind as string } : null;
}
