import type { Db, Sql } from '../sql.ts';

/** An organization's webhook endpoint as the admin screen and the delivery worker read it. */
export interface WebhookEndpoint {
  id: string;
  orgId: string;
  url: string;
  description: string;
  events: string[];
  secret: string;
  previousSecret: string | null;
  previousSecretUntil: Date | null;
  active: boolean;
  disabledAt: Date | null;
  disabledReason: 'admin' | 'failing' | null;
  consecutiveFailures: number;
  failingSince: Date | null;
  afterEventId: string;
  createdAt: Date;
}

const ENDPOINT_FIELDS = [
  'id',
  'org_id',
  'url',
  'description',
  'events',
  'secret',
  'previous_secret',
  'previous_secret_until',
  'active',
  'disabled_at',
  'disabled_reason',
  'consecutive_failures',
  'failing_since',
  'after_event_id',
  'created_at',
] as const;

const toEndpoint = (r: Record<string, unknown>): WebhookEndpoint => ({
  id: r.id as string,
  orgId: r.org_id as string,
  url: r.url as string,
  description: r.description as string,
  events: r.events as string[],
  secret: r.secret as string,
  previousSecret: (r.previous_secret as string | null) ?? null,
  previousSecretUntil: (r.previous_secret_until as Date | null) ?? null,
  active: r.active as boolean,
  disabledAt: (r.disabled_at as Date | null) ?? null,
  disabledReason: (r.disabled_reason as WebhookEndpoint['disabledReason']) ?? null,
  consecutiveFailures: Number(r.consecutive_failures),
  failingSince: (r.failing_since as Date | null) ?? null,
  afterEventId: String(r.after_event_id),
  createdAt: r.created_at as Date,
});

export async function listEndpoints(db: Db, orgId: string): Promise<WebhookEndpoint[]> {
  const rows = await db`SELECT ${db(ENDPOINT_FIELDS)} FROM webhook_endpoints WHERE org_id = ${orgId} ORDER BY created_at, id`;
  return rows.map(toEndpoint);
}

export async function getEndpoint(db: Db, orgId: string, id: string, lock = false): Promise<WebhookEndpoint | null> {
  const rows = await db`SELECT ${db(ENDPOINT_FIELDS)} FROM webhook_endpoints WHERE org_id = ${orgId} AND id = ${id}
    ${lock ? db`FOR UPDATE` : db``}`;
  return rows[0] ? toEndpoint(rows[0]) : null;
}

/**
 * The organization's webhook cursor, created at its latest event when it has none and locked
 * until the caller commits (a follower run under way finishes first; the next one sees the
 * caller's change), just before an endpoint becomes active (created or enabled). The
 * follower only follows organizations with an active endpoint (server/webhooks/index.ts), so
 * when no other endpoint is active the cursor and what it remembers of conversations are
 * stale: the cursor moves to the organization's latest event (nothing from the idle time is
 * delivered) and the remembered states are forgotten (an unseen conversation is judged by its
 * own timestamps). Returns the cursor: the endpoint gets the events after it.
 */
export async function cursorForActivation(db: Db, orgId: string, endpointId: string | null): Promise<string> {
  await db`INSERT INTO webhook_cursors (org_id, last_event_id)
    SELECT ${orgId}, coalesce(max(id), 0) FROM events WHERE org_id = ${orgId}
    ON CONFLICT (org_id) DO NOTHING`;
  const [{ last }] = (await db`SELECT last_event_id::text AS last FROM webhook_cursors WHERE org_id = ${orgId} FOR UPDATE`) as unknown as [
    { last: string },
  ];
  const [{ followed }] = (await db`SELECT EXISTS (SELECT 1 FROM webhook_endpoints
      WHERE org_id = ${orgId} AND active AND id IS DISTINCT FROM ${endpointId}::uuid) AS followed`) as unknown as [{ followed: boolean }];
  if (followed) return last;
  const [moved] = await db`UPDATE webhook_cursors
    SET last_event_id = greatest(last_event_id, (SELECT coalesce(max(id), 0) FROM events WHERE org_id = ${orgId}))
    WHERE org_id = ${orgId} RETURNING last_event_id::text AS last`;
  await db`DELETE FROM webhook_conversation_states WHERE org_id = ${orgId}`;
  return moved!.last as string;
}

/** A new endpoint, delivered the events after the organization's cursor (cursorForActivation). */
export async function insertEndpoint(
  db: Db,
  e: { orgId: string; url: string; description: string; events: string[]; secret: string; createdBy: string },
): Promise<WebhookEndpoint> {
  const last = await cursorForActivation(db, e.orgId, null);
  const rows = await db`INSERT INTO webhook_endpoints (org_id, url, description, events, secret, after_event_id, created_by)
    VALUES (${e.orgId}, ${e.url}, ${e.description}, ${e.events}, ${e.secret}, ${last}::bigint, ${e.createdBy})
    RETURNING ${db(ENDPOINT_FIELDS)}`;
  return toEndpoint(rows[0]!);
}

/** Changes what an admin may change; enabling clears the disabled state and the failure count. */
export async function updateEndpoint(
  db: Db,
  orgId: string,
  id: string,
  p: { url?: string | undefined; description?: string | undefined; events?: string[] | undefined; active?: boolean | undefined },
): Promise<WebhookEndpoint | null> {
  const rows = await db`UPDATE webhook_endpoints SET
      url = coalesce(${p.url ?? null}, url),
      description = coalesce(${p.description ?? null}, description),
      events = coalesce(${p.events ?? null}::text[], events),
      active = coalesce(${p.active ?? null}::boolean, active),
      disabled_at = CASE WHEN ${p.active ?? null}::boolean IS TRUE THEN NULL
                         WHEN ${p.active ?? null}::boolean IS FALSE AND active THEN now() ELSE disabled_at END,
      disabled_reason = CASE WHEN ${p.active ?? null}::boolean IS TRUE THEN NULL
                             WHEN ${p.active ?? null}::boolean IS FALSE AND active THEN 'admin' ELSE disabled_reason END,
      consecutive_failures = CASE WHEN ${p.active ?? null}::boolean IS TRUE AND NOT active THEN 0 ELSE consecutive_failures END,
      failing_since = CASE WHEN ${p.active ?? null}::boolean IS TRUE AND NOT active THEN NULL ELSE failing_since END,
      updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} RETURNING ${db(ENDPOINT_FIELDS)}`;
  return rows[0] ? toEndpoint(rows[0]) : null;
}

export async function deleteEndpoint(db: Db, orgId: string, id: string): Promise<boolean> {
  const rows = await db`DELETE FROM webhook_endpoints WHERE org_id = ${orgId} AND id = ${id} RETURNING id`;
  return rows.length > 0;
}

/** The new secret signs from now on; the old one still signs beside it for `overlapHours`. */
export async function rotateSecret(
  db: Db,
  orgId: string,
  id: string,
  secret: string,
  overlapHours: number,
): Promise<WebhookEndpoint | null> {
  const rows = await db`UPDATE webhook_endpoints SET previous_secret = secret, secret = ${secret},
      previous_secret_until = now() + ${overlapHours}::int * interval '1 hour', updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} RETURNING ${db(ENDPOINT_FIELDS)}`;
  return rows[0] ? toEndpoint(rows[0]) : null;
}

// ---- The follower (server/webhooks/follower.ts)

/** Organizations the follower keeps up with: those with an active endpoint (and so a cursor). */
export async function followedOrganizations(db: Db): Promise<string[]> {
  const rows = await db`SELECT DISTINCT e.org_id FROM webhook_endpoints e JOIN webhook_cursors c ON c.org_id = e.org_id
    WHERE e.active ORDER BY e.org_id`;
  return rows.map((r) => r.org_id as string);
}

/** Whether the follower keeps up with this organization (cached per process: server/events/org-flags.ts). */
export async function isFollowed(db: Db, orgId: string): Promise<boolean> {
  const [r] = await db`SELECT EXISTS (SELECT 1 FROM webhook_endpoints WHERE org_id = ${orgId} AND active) AS followed`;
  return r!.followed as boolean;
}

/** Takes the organization's cursor for this transaction; null when another process holds it. */
export async function lockCursor(db: Db, orgId: string): Promise<string | null> {
  const rows = await db`SELECT last_event_id::text AS id FROM webhook_cursors WHERE org_id = ${orgId} FOR UPDATE SKIP LOCKED`;
  return rows[0] ? (rows[0].id as string) : null;
}

export async function moveCursor(db: Db, orgId: string, lastEventId: string): Promise<void> {
  await db`UPDATE webhook_cursors SET last_event_id = ${lastEventId}::bigint WHERE org_id = ${orgId}`;
}

export interface SeenConversation {
  status: 'bot' | 'waiting' | 'active' | 'closed';
  teamId: string | null;
  assigneeId: string | null;
  targetUserId: string | null;
  lastTransferId: string;
  rated: boolean;
}

export async function seenConversation(db: Db, orgId: string, conversationId: string): Promise<SeenConversation | null> {
  const rows = await db`SELECT status, team_id, assignee_id, target_user_id, last_transfer_id::text, rated
    FROM webhook_conversation_states WHERE org_id = ${orgId} AND conversation_id = ${conversationId}`;
  const r = rows[0];
  if (!r) return null;
  return {
    status: r.status as SeenConversation['status'],
    teamId: (r.team_id as string | null) ?? null,
    assigneeId: (r.assignee_id as string | null) ?? null,
    targetUserId: (r.target_user_id as string | null) ?? null,
    lastTransferId: r.last_transfer_id as string,
    rated: r.rated as boolean,
  };
}

export async function rememberConversation(db: Db, orgId: string, conversationId: string, s: SeenConversation): Promise<void> {
  await db`INSERT INTO webhook_conversation_states (org_id, conversation_id, status, team_id, assignee_id, target_user_id, last_transfer_id, rated)
    VALUES (${orgId}, ${conversationId}, ${s.status}, ${s.teamId}, ${s.assigneeId}, ${s.targetUserId}, ${s.lastTransferId}::bigint, ${s.rated})
    ON CONFLICT (org_id, conversation_id) DO UPDATE SET status = excluded.status, team_id = excluded.team_id,
      assignee_id = excluded.assignee_id, target_user_id = excluded.target_user_id,
      last_transfer_id = excluded.last_transfer_id, rated = excluded.rated, updated_at = now()`;
}

export interface TransferRow {
  id: string;
  at: Date;
  byUserId: string | null;
  fromTeamId: string | null;
  fromUserId: string | null;
  toTeamId: string | null;
  toUserId: string | null;
}

/** A conversation's transfers after `afterId` made up to `until` (an event's time). */
export async function transfersSince(
  db: Db,
  orgId: string,
  conversationId: string,
  afterId: string,
  until: string,
): Promise<TransferRow[]> {
  const rows = await db`SELECT id::text, at, by_user_id, from_team_id, from_user_id, to_team_id, to_user_id
    FROM conversation_transfers WHERE org_id = ${orgId} AND conversation_id = ${conversationId}
      AND id > ${afterId}::bigint AND at <= ${until}::text::timestamptz ORDER BY id`;
  return rows.map((r) => ({
    id: r.id as string,
    at: r.at as Date,
    byUserId: (r.by_user_id as string | null) ?? null,
    fromTeamId: (r.from_team_id as string | null) ?? null,
    fromUserId: (r.from_user_id as string | null) ?? null,
    toTeamId: (r.to_team_id as string | null) ?? null,
    toUserId: (r.to_user_id as string | null) ?? null,
  }));
}

/** The id of the conversation's last transfer made before `before` (where following starts). */
export async function lastTransferBefore(db: Db, orgId: string, conversationId: string, before: string): Promise<string> {
  const rows = await db`SELECT coalesce(max(id), 0)::text AS id FROM conversation_transfers
    WHERE org_id = ${orgId} AND conversation_id = ${conversationId} AND at < ${before}::text::timestamptz`;
  return rows[0]!.id as string;
}

// ---- Deliveries: the durable queue

export type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  id: string;
  orgId: string;
  seq: string;
  endpointId: string;
  eventKey: string;
  eventId: string | null;
  eventType: string;
  conversationId: string | null;
  payload: Record<string, unknown>;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  redeliveryOf: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

const DELIVERY_FIELDS = [
  'id',
  'org_id',
  'seq',
  'endpoint_id',
  'event_key',
  'event_id',
  'event_type',
  'conversation_id',
  'payload',
  'status',
  'attempts',
  'next_attempt_at',
  'last_attempt_at',
  'last_status_code',
  'last_error',
  'redelivery_of',
  'created_at',
  'delivered_at',
] as const;

const toDelivery = (r: Record<string, unknown>): WebhookDelivery => ({
  id: r.id as string,
  orgId: r.org_id as string,
  seq: String(r.seq),
  endpointId: r.endpoint_id as string,
  eventKey: r.event_key as string,
  eventId: r.event_id === null ? null : String(r.event_id),
  eventType: r.event_type as string,
  conversationId: (r.conversation_id as string | null) ?? null,
  payload: r.payload as Record<string, unknown>,
  status: r.status as DeliveryStatus,
  attempts: Number(r.attempts),
  nextAttemptAt: r.next_attempt_at as Date,
  lastAttemptAt: (r.last_attempt_at as Date | null) ?? null,
  lastStatusCode: (r.last_status_code as number | null) ?? null,
  lastError: (r.last_error as string | null) ?? null,
  redeliveryOf: (r.redelivery_of as string | null) ?? null,
  createdAt: r.created_at as Date,
  deliveredAt: (r.delivered_at as Date | null) ?? null,
});

export interface NewDelivery {
  orgId: string;
  endpointId: string;
  eventKey: string;
  eventId: string | null;
  eventType: string;
  conversationId: string | null;
  payload: Record<string, unknown>;
}

/** Queues one webhook event for one endpoint; false when it was queued already (exactly once). */
export async function queueDelivery(db: Db, d: NewDelivery): Promise<boolean> {
  const rows = await db`INSERT INTO webhook_deliveries (org_id, endpoint_id, event_key, event_id, event_type, conversation_id, payload)
    VALUES (${d.orgId}, ${d.endpointId}, ${d.eventKey}, ${d.eventId}::bigint, ${d.eventType}, ${d.conversationId},
      ${db.json(d.payload as never)})
    ON CONFLICT (org_id, endpoint_id, event_key) WHERE redelivery_of IS NULL DO NOTHING RETURNING id`;
  return rows.length > 0;
}

/** A manual redelivery: the same body, a new delivery (its own id and attempts), due now. */
export async function queueRedelivery(db: Db, of: WebhookDelivery): Promise<WebhookDelivery> {
  const rows =
    await db`INSERT INTO webhook_deliveries (org_id, endpoint_id, event_key, event_id, event_type, conversation_id, payload, redelivery_of)
    VALUES (${of.orgId}, ${of.endpointId}, ${of.eventKey}, ${of.eventId}::bigint, ${of.eventType}, ${of.conversationId},
      ${db.json(of.payload as never)}, ${of.id})
    RETURNING ${db(DELIVERY_FIELDS)}`;
  return toDelivery(rows[0]!);
}

/** The admin's test event: leased at once by the caller, who makes its one attempt. */
export async function insertTestDelivery(db: Db, d: NewDelivery, leaseMs: number): Promise<WebhookDelivery> {
  const rows =
    await db`INSERT INTO webhook_deliveries (org_id, endpoint_id, event_key, event_type, payload, status, attempts, lease_until, last_attempt_at)
    VALUES (${d.orgId}, ${d.endpointId}, ${d.eventKey}, ${d.eventType}, ${db.json(d.payload as never)}, 'sending', 1,
      now() + ${leaseMs}::int * interval '1 millisecond', now())
    RETURNING ${db(DELIVERY_FIELDS)}`;
  return toDelivery(rows[0]!);
}

/** A lease a crashed process left: the delivery is due again (at-least-once). */
export async function releaseExpiredLeases(db: Db): Promise<number> {
  const rows = await db`UPDATE webhook_deliveries SET status = 'pending', lease_until = NULL, next_attempt_at = now()
    WHERE status = 'sending' AND lease_until < now() RETURNING id`;
  return rows.length;
}

/**
 * Leases due deliveries of active endpoints, each the earliest open one of its endpoint and
 * conversation: a later event of a conversation waits until the earlier one is delivered or
 * given up, also across retries. The lease is committed before the request is sent.
 */
export async function leaseDue(db: Db, limit: number, leaseMs: number): Promise<WebhookDelivery[]> {
  const rows = await db`
    UPDATE webhook_deliveries SET status = 'sending', attempts = attempts + 1, last_attempt_at = now(),
      lease_until = now() + ${leaseMs}::int * interval '1 millisecond'
    WHERE id IN (
      SELECT d.id FROM webhook_deliveries d
      JOIN webhook_endpoints e ON e.org_id = d.org_id AND e.id = d.endpoint_id
      WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND e.active
        AND (d.conversation_id IS NULL OR NOT EXISTS (
          SELECT 1 FROM webhook_deliveries p
          WHERE p.org_id = d.org_id AND p.endpoint_id = d.endpoint_id AND p.conversation_id = d.conversation_id
            AND p.status IN ('pending', 'sending') AND p.seq < d.seq))
      ORDER BY d.next_attempt_at, d.seq LIMIT ${limit}
      FOR UPDATE OF d SKIP LOCKED)
      AND status = 'pending'
    RETURNING ${db(DELIVERY_FIELDS)}`;
  return rows.map(toDelivery);
}

/** The answer of one attempt, on a delivery this process leased. */
export async function settleAttempt(
  db: Db,
  id: string,
  outcome: { status: 'delivered' | 'pending' | 'failed'; statusCode: number | null; error: string | null; retryInMs?: number },
): Promise<WebhookDelivery | null> {
  const rows = await db`UPDATE webhook_deliveries SET status = ${outcome.status}, lease_until = NULL,
      last_status_code = ${outcome.statusCode}, last_error = ${outcome.error},
      delivered_at = CASE WHEN ${outcome.status} = 'delivered' THEN now() ELSE delivered_at END,
      next_attempt_at = CASE WHEN ${outcome.status} = 'pending' THEN now() + ${outcome.retryInMs ?? 0}::int * interval '1 millisecond'
                             ELSE next_attempt_at END
    WHERE id = ${id} AND status = 'sending' RETURNING ${db(DELIVERY_FIELDS)}`;
  return rows[0] ? toDelivery(rows[0]) : null;
}

/** An endpoint's attempt went through: its failure run ends. */
export async function endpointSucceeded(db: Db, orgId: string, id: string): Promise<void> {
  await db`UPDATE webhook_endpoints SET consecutive_failures = 0, failing_since = NULL
    WHERE org_id = ${orgId} AND id = ${id} AND (consecutive_failures <> 0 OR failing_since IS NOT NULL)`;
}

/** An endpoint's attempt failed: counted, under the row's lock (the caller decides on disabling). */
export async function endpointFailed(db: Db, orgId: string, id: string): Promise<WebhookEndpoint | null> {
  const rows = await db`UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1,
      failing_since = coalesce(failing_since, now())
    WHERE org_id = ${orgId} AND id = ${id} RETURNING ${db(ENDPOINT_FIELDS)}`;
  return rows[0] ? toEndpoint(rows[0]) : null;
}

/** Disabled for persistent failure; false when it was not active any more. */
export async function disableFailing(db: Db, orgId: string, id: string): Promise<boolean> {
  const rows = await db`UPDATE webhook_endpoints SET active = false, disabled_at = now(), disabled_reason = 'failing', updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} AND active RETURNING id`;
  return rows.length > 0;
}

export async function getDelivery(db: Db, orgId: string, id: string): Promise<WebhookDelivery | null> {
  const rows = await db`SELECT ${db(DELIVERY_FIELDS)} FROM webhook_deliveries WHERE org_id = ${orgId} AND id = ${id}`;
  return rows[0] ? toDelivery(rows[0]) : null;
}

/** An endpoint's delivery log, newest first, paged by `beforeSeq`. */
export async function listDeliveries(
  db: Db,
  orgId: string,
  endpointId: string,
  limit: number,
  beforeSeq?: string,
): Promise<WebhookDelivery[]> {
  const rows = await db`SELECT ${db(DELIVERY_FIELDS)} FROM webhook_deliveries
    WHERE org_id = ${orgId} AND endpoint_id = ${endpointId} AND (${beforeSeq ?? null}::bigint IS NULL OR seq < ${beforeSeq ?? null}::bigint)
    ORDER BY seq DESC LIMIT ${limit}`;
  return rows.map(toDelivery);
}

/** The organization's active admins, who are told when an endpoint is disabled. */
export async function activeAdmins(db: Db, orgId: string): Promise<{ id: string; email: string; name: string; language: string }[]> {
  const rows = await db`SELECT id, email, name, language FROM users
    WHERE org_id = ${orgId} AND role = 'admin' AND deactivated_at IS NULL ORDER BY email`;
  return rows.map((r) => ({ id: r.id as string, email: r.email as string, name: r.name as string, language: r.language as string }));
}

/**
 * Delivered and given-up deliveries older than `keepDays` go, and what the follower remembers
 * of conversations closed that long ago (a rating comes minutes after the close, not days).
 */
export async function pruneDeliveries(sql: Sql, keepDays: number): Promise<void> {
  await sql`DELETE FROM webhook_deliveries WHERE status IN ('delivered', 'failed') AND created_at < now() - ${keepDays}::int * interval '1 day'`;
  await sql`DELETE FROM webhook_conversation_states WHERE status = 'closed' AND updated_at < now() - ${keepDays}::int * interval '1 day'`;
}

/** An organization's event as the follower reads it: `at` exact (text), to compare with rows' timestamps in SQL. */
export interface FollowedEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
  /** Exact (microseconds), for comparisons in SQL. */
  at: string;
  occurredAt: Date;
}

export async function orgEventsAfter(db: Db, orgId: string, afterId: string, limit: number): Promise<FollowedEvent[]> {
  const rows = await db`SELECT id::text, type, data, at::text AS at, at AS occurred_at FROM events
    WHERE org_id = ${orgId} AND id > ${afterId}::bigint ORDER BY id LIMIT ${limit}`;
  return rows.map((r) => ({
    id: r.id as string,
    type: r.type as string,
    data: r.data as Record<string, unknown>,
    at: r.at as string,
    occurredAt: r.occurred_at as Date,
  }));
}
