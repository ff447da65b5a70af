import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Outgoing webhooks' pure rules (docs/integrations.md "Outgoing webhooks"): the event types an
 * endpoint may ask for, the retry schedule, the signature, and the rule that turns the bus's
 * conversation states into "queued", "claimed", "closed" … told once per change.
 */

export const WEBHOOK_EVENTS = [
  'conversation.created',
  'conversation.queued',
  'conversation.claimed',
  'conversation.transferred',
  'conversation.closed',
  'conversation.rated',
  'message.received',
  'message.sent',
  'message.status',
  'contact.created',
  'contact.updated',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];
/** Sent only by the admin's "Send test event"; never subscribed to. */
export const TEST_EVENT = 'webhook.test';

/**
 * Waits after each failed attempt: 11 attempts spread over about a day (23 h 51 min), then the
 * delivery is given up. Each wait gets up to 10 % more at random so that a receiver back from
 * an outage is not hit by every retry in the same second.
 */
export const RETRY_DELAYS_SECONDS = [30, 60, 5 * 60, 15 * 60, 30 * 60, 60 * 60, 2 * 3600, 4 * 3600, 8 * 3600, 8 * 3600] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;

/** The wait before the next attempt after `attempts` failed ones; null: give up. */
export function retryDelayMs(attempts: number, random: number = Math.random()): number | null {
  const base = RETRY_DELAYS_SECONDS[attempts - 1];
  if (base === undefined) return null;
  return Math.round(base * 1000 * (1 + 0.1 * random));
}

/** An endpoint whose every attempt failed for this long is disabled (and its admins told). */
export const DISABLE_AFTER_HOURS = 24;
/** …provided it failed at least this many attempts in a row (one failure a day ago is not "persistent"). */
export const DISABLE_MIN_FAILURES = 10;

export function shouldDisable(failingSince: Date | null, consecutiveFailures: number, now: Date): boolean {
  return (
    failingSince !== null &&
    consecutiveFailures >= DISABLE_MIN_FAILURES &&
    now.getTime() - failingSince.getTime() >= DISABLE_AFTER_HOURS * 3600_000
  );
}

/** How old a signature's timestamp may be when a receiver checks it (documented for receivers). */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** `Atende-Signature`: `t=<unix seconds>,v1=<hex>`; one `v1` per secret in use (a rotation signs with both). */
export function signatureHeader(secrets: string[], timestamp: number, body: string): string {
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${signatureOf(s, timestamp, body)}`)].join(',');
}

/** What a receiver does (the docs' example, in TypeScript): true when one `v1` matches and `t` is recent. */
export function verifySignature(secret: string, header: string, body: string, nowSeconds: number): boolean {
  const parts = header.split(',').map((p) => p.split('=', 2) as [string, string | undefined]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > SIGNATURE_TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(signatureOf(secret, t, body), 'hex');
  return parts.some(([k, v]) => {
    if (k !== 'v1' || !v || !/^[0-9a-f]{64}$/.test(v)) return false;
    return timingSafeEqual(expected, Buffer.from(v, 'hex'));
  });
}

export type ConversationStatus = 'bot' | 'waiting' | 'active' | 'closed';

/** A conversation's state as one bus event carries it, or as the follower last saw it. */
export interface SeenState {
  status: ConversationStatus;
  teamId: string | null;
  assigneeId: string | null;
  targetUserId: string | null;
}

/**
 * Which conversation changes a bus event's state tells, compared with the state seen before
 * (null: the follower never saw this conversation). `createdNow`, `queuedNow`, `claimedNow`,
 * `closedNow`: the conversation's timestamps equal the event's (the change happened in the
 * event's transaction) — used only when nothing was seen before.
 */
export function conversationChanges(
  before: SeenState | null,
  now: SeenState,
  facts: { createdNow: boolean; queuedNow: boolean; claimedNow: boolean; closedNow: boolean },
): ('conversation.created' | 'conversation.queued' | 'conversation.claimed' | 'conversation.closed')[] {
  const out: ('conversation.created' | 'conversation.queued' | 'conversation.claimed' | 'conversation.closed')[] = [];
  if (!before) {
    if (facts.createdNow) out.push('conversation.created');
    if (now.status === 'waiting' && (facts.createdNow || facts.queuedNow)) out.push('conversation.queued');
    if (now.status === 'active' && facts.claimedNow) out.push('conversation.claimed');
    if (now.status === 'closed' && facts.closedNow) out.push('conversation.closed');
    return out;
  }
  if (
    now.status === 'waiting' &&
    (before.status !== 'waiting' || before.teamId !== now.teamId || before.targetUserId !== now.targetUserId)
  ) {
    out.push('conversation.queued');
  }
  if (now.status === 'active' && (before.status !== 'active' || before.assigneeId !== now.assigneeId)) out.push('conversation.claimed');
  if (now.status === 'closed' && before.status !== 'closed') out.push('conversation.closed');
  return out;
}
