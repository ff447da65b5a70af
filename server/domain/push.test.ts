import { describe, expect, it } from 'vitest';
import type { PushConversation } from '../../db/queries/push.ts';
import { contactName, deliveryOptions, endpointProblem, keysValid, planAlerts, pushPayload, shortText, topicOf } from './push.ts';

const services = { serviceHosts: ['fcm.googleapis.com', 'push.apple.com', 'notify.windows.com'], allowAny: false };

describe('endpointProblem', () => {
  it('accepts the https addresses of the listed push services and their subdomains', () => {
    expect(endpointProblem('https://fcm.googleapis.com/fcm/send/abc', services)).toBeNull();
    expect(endpointProblem('https://web.push.apple.com/QGx', services)).toBeNull();
    expect(endpointProblem('https://wns2-par02p.notify.windows.com/w/?token=x', services)).toBeNull();
  });

  it('refuses http, other hosts, look-alike hosts, credentials and odd ports (the server POSTs there)', () => {
    for (const url of [
      'http://fcm.googleapis.com/fcm/send/abc',
      'https://127.0.0.1/push',
      'https://metadata.google.internal/x',
      'https://evilfcm.googleapis.com.attacker.test/x',
      'https://notfcm.googleapis.com.evil/x',
      'https://user:pw@fcm.googleapis.com/x',
      'https://fcm.googleapis.com:8443/x',
      'not a url',
    ]) {
      expect([url, endpointProblem(url, services)]).toEqual([url, 'push.error.endpoint']);
    }
  });

  it('accepts any http(s) address when the operator allows it (tests, a local push service)', () => {
    expect(endpointProblem('http://127.0.0.1:4010/push/a', { ...services, allowAny: true })).toBeNull();
    expect(endpointProblem('ftp://127.0.0.1/push', { ...services, allowAny: true })).toBe('push.error.endpoint');
  });
});

describe('keysValid', () => {
  it('wants an uncompressed P-256 point and a 16-byte secret', () => {
    const point = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url');
    expect(keysValid(point, Buffer.alloc(16, 1).toString('base64url'))).toBe(true);
    expect(keysValid(point, Buffer.alloc(15, 1).toString('base64url'))).toBe(false);
    expect(keysValid(Buffer.alloc(65, 3).toString('base64url'), Buffer.alloc(16).toString('base64url'))).toBe(false);
    expect(keysValid('no spaces allowed', 'x')).toBe(false);
  });
});

const queuedAt = new Date('2026-01-05T10:00:00Z');
const now = new Date('2026-01-05T10:00:10Z');
const waiting: PushConversation = {
  id: 'c1',
  status: 'waiting',
  teamId: 't1',
  teamName: 'Support',
  assigneeId: null,
  targetUserId: null,
  offeredTo: null,
  offeredAt: null,
  offerExpiresAt: null,
  queuedAt,
  contact: { id: 'ab12cd34-0000', name: 'Maria', whatsapp: null },
  queuedBy: null,
};
const queued = { type: 'queue.changed' as const, data: { conversationId: 'c1', status: 'waiting' } };

describe('planAlerts', () => {
  it('tells the team of a conversation waiting in it, once per stay in the queue', () => {
    expect(planAlerts(queued, waiting, now)).toEqual([
      { alert: 'waiting', key: `waiting:c1:t1:${queuedAt.toISOString()}`, conversationId: 'c1', to: { team: 't1', except: [] } },
    ]);
  });

  it('tells only the colleague it was transferred to, and never whoever moved it', () => {
    expect(planAlerts(queued, { ...waiting, targetUserId: 'u2', queuedBy: 'u1' }, now)[0]!.to).toEqual({ users: ['u2'] });
    expect(planAlerts(queued, { ...waiting, queuedBy: 'u1' }, now)[0]!.to).toEqual({ team: 't1', except: ['u1'] });
  });

  it('says nothing of a conversation no longer waiting when the event is handled', () => {
    expect(planAlerts(queued, { ...waiting, status: 'active', assigneeId: 'u1' }, now)).toEqual([]);
    expect(planAlerts({ ...queued, data: { ...queued.data, status: 'active' } }, waiting, now)).toEqual([]);
    expect(planAlerts(queued, null, now)).toEqual([]);
  });

  it('tells the offered agent of a running offer, once per offer', () => {
    const offeredAt = new Date('2026-01-05T10:00:05Z');
    const offerExpiresAt = new Date('2026-01-05T10:01:05Z');
    const plans = planAlerts(queued, { ...waiting, offeredTo: 'u3', offeredAt, offerExpiresAt }, now);
    expect(plans[1]).toEqual({
      alert: 'offer',
      key: `offer:c1:${offeredAt.toISOString()}`,
      conversationId: 'c1',
      to: { users: ['u3'] },
      expiresAt: offerExpiresAt,
    });
    expect(planAlerts(queued, { ...waiting, offeredTo: 'u3', offeredAt, offerExpiresAt: now }, now).map((p) => p.alert)).toEqual([
      'waiting',
    ]);
  });

  it('tells the serving agent of a customer message, while it is theirs', () => {
    const active = { ...waiting, status: 'active', assigneeId: 'u1' };
    const message = {
      type: 'message.created' as const,
      data: { conversationId: 'c1', messageId: 'm1', status: 'received', direction: 'in' as const, assigneeId: 'u1' },
    };
    expect(planAlerts(message, active, now)).toEqual([
      { alert: 'message', key: 'message:m1', conversationId: 'c1', to: { users: ['u1'] } },
    ]);
    expect(planAlerts(message, { ...active, assigneeId: 'u2' }, now)).toEqual([]);
    expect(planAlerts({ ...message, data: { ...message.data, direction: 'out' } }, active, now)).toEqual([]);
  });
});

describe('the notification', () => {
  it('names the contact and quotes a short text', () => {
    expect(pushPayload('en', 'message', waiting, { text: 'Hello\n\nthere', kind: 'text' })).toEqual({
      kind: 'message',
      title: 'New message from Maria',
      body: 'Hello there',
      url: '/conversations/c1',
      tag: 'message:c1',
      conversationId: 'c1',
    });
    expect(pushPayload('en', 'waiting', waiting, { text: '', kind: 'image' })).toMatchObject({
      title: 'Waiting in Support',
      body: 'Maria: Sent a file.',
      tag: 'waiting:c1',
    });
    expect(pushPayload('es', 'offer', waiting, null)).toMatchObject({
      title: 'Conversación ofrecida a ti',
      body: 'Maria',
      tag: 'waiting:c1',
    });
  });

  it('names a contact without a name by number, or as a visitor', () => {
    expect(contactName('en', { id: 'x', name: ' ', whatsapp: '5511999990000' })).toBe('+5511999990000');
    expect(contactName('pt-BR', { id: 'ab12cd34', name: '', whatsapp: null })).toBe('Visitante ab12');
  });

  it('cuts long text on one line', () => {
    const text = shortText('a'.repeat(300));
    expect(text).toHaveLength(120);
    expect(text.endsWith('…')).toBe(true);
  });

  it('keeps an offer only until it ends; a message urgent, a waiting conversation normal', () => {
    expect(deliveryOptions({ alert: 'offer', expiresAt: new Date(now.getTime() + 30_000) }, now)).toEqual({ TTL: 30, urgency: 'high' });
    expect(deliveryOptions({ alert: 'message' }, now)).toEqual({ TTL: 3600, urgency: 'high' });
    expect(deliveryOptions({ alert: 'waiting' }, now)).toEqual({ TTL: 900, urgency: 'normal' });
    expect(topicOf('waiting:c1')).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});
