import { describe, expect, it } from 'vitest';
import type { EventData } from '../../../../shared/events.ts';
import { alertFor } from './alerts.ts';

const me = { userId: 'ana', teams: [{ id: 'support', name: 'Support' }] };
type Status = EventData<'queue.changed'>['status'];
const queue = (conversationId: string, status: Status, teamId: string | null, targetUserId: string | null = null) => ({
  type: 'queue.changed' as const,
  conversationId,
  status,
  teamId,
  assigneeId: null,
  targetUserId,
  contactId: 'k1',
});

describe('alerts', () => {
  it('announces a conversation waiting in my team once, again only after it left the queue', () => {
    const waiting = new Map<string, string>();
    expect(alertFor(queue('c1', 'waiting', 'support'), me, waiting)).toEqual({ kind: 'waiting', conversationId: 'c1', team: me.teams[0] });
    expect(alertFor(queue('c1', 'waiting', 'support'), me, waiting)).toBeNull();
    expect(alertFor(queue('c1', 'active', 'support'), me, waiting)).toBeNull();
    expect(alertFor(queue('c1', 'waiting', 'support'), me, waiting)).not.toBeNull();
  });

  it('stays quiet for other teams, for conversations targeted at a colleague, and for bot states', () => {
    const waiting = new Map<string, string>();
    expect(alertFor(queue('c2', 'waiting', 'sales'), me, waiting)).toBeNull();
    expect(alertFor(queue('c3', 'waiting', 'support', 'bruno'), me, waiting)).toBeNull();
    expect(alertFor(queue('c4', 'waiting', 'support', 'ana'), me, waiting)).not.toBeNull();
    expect(alertFor(queue('c5', 'bot', null), me, waiting)).toBeNull();
    // Transferred from another team into mine: new to me.
    expect(alertFor(queue('c2', 'waiting', 'support'), me, waiting)).toMatchObject({ kind: 'waiting', conversationId: 'c2' });
  });

  it('announces customer messages in my conversations only', () => {
    const waiting = new Map<string, string>();
    const message = (
      status: EventData<'message.created'>['status'],
      assigneeId: string | null,
      type: 'message.created' | 'message.status' = 'message.created',
    ) => ({
      type,
      conversationId: 'c9',
      messageId: 'm1',
      status,
      direction: 'in' as const,
      conversationStatus: 'active' as const,
      teamId: 'support',
      assigneeId,
      targetUserId: null,
      contactId: 'k1',
    });
    expect(alertFor(message('received', 'ana'), me, waiting)).toEqual({ kind: 'message', conversationId: 'c9', messageId: 'm1' });
    expect(alertFor(message('received', 'bruno'), me, waiting)).toBeNull();
    expect(alertFor(message('queued', 'ana'), me, waiting)).toBeNull(); // my own reply
    expect(alertFor(message('received', 'ana', 'message.status'), me, waiting)).toBeNull();
  });
});
