import { describe, expect, it } from 'vitest';
import {
  conversationChanges,
  MAX_ATTEMPTS,
  RETRY_DELAYS_SECONDS,
  retryDelayMs,
  shouldDisable,
  signatureHeader,
  signatureOf,
  verifySignature,
  type SeenState,
} from './webhooks.ts';

const state = (status: SeenState['status'], extra: Partial<SeenState> = {}): SeenState => ({
  status,
  teamId: 'support',
  assigneeId: status === 'active' ? 'ana' : null,
  targetUserId: null,
  ...extra,
});
const none = { createdNow: false, queuedNow: false, claimedNow: false, closedNow: false };

describe('webhook rules', () => {
  it('spreads 11 attempts over about a day, then gives up', () => {
    const total = RETRY_DELAYS_SECONDS.reduce((a, b) => a + b, 0);
    expect(total / 3600).toBeGreaterThan(23);
    expect(total / 3600).toBeLessThanOrEqual(24);
    expect(MAX_ATTEMPTS).toBe(11);
    expect(retryDelayMs(1, 0)).toBe(30_000);
    expect(retryDelayMs(1, 1)).toBe(33_000);
    expect(retryDelayMs(2, 0)).toBe(60_000);
    expect(retryDelayMs(10, 0)).toBe(8 * 3600_000);
    expect(retryDelayMs(11, 0)).toBeNull();
  });

  it('disables after a day of failures only, and only with enough attempts', () => {
    const now = new Date('2026-01-02T12:00:00Z');
    expect(shouldDisable(new Date('2026-01-01T12:00:00Z'), 10, now)).toBe(true);
    expect(shouldDisable(new Date('2026-01-01T12:00:01Z'), 50, now)).toBe(false);
    expect(shouldDisable(new Date('2026-01-01T00:00:00Z'), 9, now)).toBe(false);
    expect(shouldDisable(null, 100, now)).toBe(false);
  });

  it('signs `t.body` with HMAC-SHA256 and checks it within five minutes', () => {
    // A fixed vector a receiver can reproduce: HMAC-SHA256("whsec_test", "1700000000.{}").
    expect(signatureOf('whsec_test', 1700000000, '{}')).toBe('35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91');
    const header = signatureHeader(['whsec_new', 'whsec_old'], 1700000000, '{"a":1}');
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verifySignature('whsec_new', header, '{"a":1}', 1700000000 + 300)).toBe(true);
    expect(verifySignature('whsec_old', header, '{"a":1}', 1700000000 - 300)).toBe(true);
    expect(verifySignature('whsec_new', header, '{"a":1}', 1700000000 + 301)).toBe(false);
    expect(verifySignature('whsec_new', header, '{"a":2}', 1700000000)).toBe(false);
    expect(verifySignature('whsec_other', header, '{"a":1}', 1700000000)).toBe(false);
    expect(verifySignature('whsec_new', 'v1=abc', '{"a":1}', 1700000000)).toBe(false);
  });

  it('tells each change of a conversation once', () => {
    expect(conversationChanges(null, state('bot'), { ...none, createdNow: true })).toEqual(['conversation.created']);
    expect(conversationChanges(null, state('waiting'), { ...none, createdNow: true })).toEqual([
      'conversation.created',
      'conversation.queued',
    ]);
    expect(conversationChanges(state('bot'), state('waiting'), none)).toEqual(['conversation.queued']);
    // An offer or any other republication of the same state tells nothing.
    expect(conversationChanges(state('waiting'), state('waiting'), none)).toEqual([]);
    expect(conversationChanges(state('waiting'), state('active'), none)).toEqual(['conversation.claimed']);
    expect(conversationChanges(state('active'), state('active'), none)).toEqual([]);
    // Transferred to another team, or to a person: queued again.
    expect(conversationChanges(state('waiting'), state('waiting', { teamId: 'sales' }), none)).toEqual(['conversation.queued']);
    expect(conversationChanges(state('active'), state('waiting', { targetUserId: 'bruno' }), none)).toEqual(['conversation.queued']);
    expect(conversationChanges(state('active'), state('closed'), none)).toEqual(['conversation.closed']);
    expect(conversationChanges(state('closed'), state('closed'), none)).toEqual([]);
    // Never seen (the follower started later): only what happened in this very transaction.
    expect(conversationChanges(null, state('waiting'), none)).toEqual([]);
    expect(conversationChanges(null, state('active'), { ...none, claimedNow: true })).toEqual(['conversation.claimed']);
    expect(conversationChanges(null, state('closed'), { ...none, closedNow: true })).toEqual(['conversation.closed']);
  });
});
