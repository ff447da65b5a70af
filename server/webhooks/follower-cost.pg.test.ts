import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../db/queries/channels.ts';
import { isFollowed } from '../../db/queries/webhooks.ts';
import { startTestApp, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { inbound, makeChannel, setOnline, waitingConversation } from '../../test/helpers/conversations.ts';
import { createOtherOrg, demoIds, waitFor } from '../../test/helpers/orgs.ts';
import { startReceiver, type Receiver } from '../../test/helpers/webhook-receiver.ts';
import { OrgFlags } from '../events/org-flags.ts';
import { ENDPOINTS_CHANNEL } from './index.ts';

/**
 * What the webhook and push followers cost an organization that does not use them (nothing
 * per event), and the follower's rules that keep derived events exact: an endpoint enabled
 * again starts from now, and a message event carrying a conversation state older than a
 * change already told does not tell it again.
 */
let app: TestApp;
let admin: TestClient;
let receiver: Receiver;
let channel: Channel;
let ids: Awaited<ReturnType<typeof demoIds>>;
const handledPush: string[] = [];

const WAIT = 30_000;

beforeAll(async () => {
  app = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: 'true' }, { push: { onHandled: (id) => handledPush.push(id) } });
  ids = await demoIds(app.db.sql);
  admin = await app.login('admin@demo.test');
  receiver = await startReceiver();
  channel = await makeChannel(app.db.sql, ids, 'webchat');
});
afterAll(async () => {
  await app?.stop();
  await receiver?.close();
});

const cursorOf = async (orgId: string) => {
  const [r] = await app.db.sql`SELECT last_event_id::text AS id FROM webhook_cursors WHERE org_id = ${orgId}`;
  return r?.id as string | undefined;
};
const lastEventOf = async (orgId: string) => {
  const [r] = await app.db.sql`SELECT coalesce(max(id), 0)::text AS id FROM events WHERE org_id = ${orgId}`;
  return r!.id as string;
};

describe('followers in an organization that does not use them', () => {
  it('remembers per organization whether it is followed, until an endpoint changes', async () => {
    let loads = 0;
    const flags = new OrgFlags(app.db.sql, ENDPOINTS_CHANNEL, (orgId) => {
      loads++;
      return isFollowed(app.db.sql, orgId);
    });
    await flags.start();
    try {
      const other = await createOtherOrg(app.db.sql, 'flags');
      expect(await flags.has(other.org.id)).toBe(false);
      expect(await flags.has(other.org.id)).toBe(false);
      expect(loads).toBe(1);
      const heard = flags.notifications;
      await app.db.sql`INSERT INTO webhook_endpoints (org_id, url, events, secret, after_event_id)
        VALUES (${other.org.id}, 'https://example.com/hook', '{message.received}', 'whsec_x', 0)`;
      await waitFor(async () => flags.notifications > heard, 'the endpoint notification', WAIT);
      expect(await flags.has(other.org.id)).toBe(true);
      expect(loads).toBe(2);
    } finally {
      await flags.stop();
    }
  });

  it('does not follow an organization whose endpoints are all off; enabled again, it gets events from then on', async () => {
    const ep = await admin.admin.webhooks.create.mutate({ url: receiver.url('/again'), events: ['message.received'] });
    await admin.admin.webhooks.update.mutate({ id: ep.id, active: false });
    // A sentinel organization with an endpoint: once its message is delivered, the follower
    // has had its chances (a full sweep included) to follow ours too.
    const other = await createOtherOrg(app.db.sql, 'sentinel');
    const otherAdmin = await app.login(other.admin.email, other.password);
    await otherAdmin.admin.webhooks.create.mutate({ url: receiver.url('/sentinel'), events: ['message.received'] });
    const [row] = await app.db.sql`INSERT INTO channels (org_id, kind, name) VALUES (${other.org.id}, 'webchat', 'Sentinel') RETURNING id`;
    const theirChannel = { ...channel, id: row!.id as string, orgId: other.org.id, name: 'Sentinel', botOptions: [] } as Channel;

    const before = await cursorOf(ids.orgId);
    await inbound(app, channel, { from: 'while-off', text: 'said while the endpoint was off' });
    app.services.webhooks?.wake();
    await inbound(app, theirChannel, { from: 'sentinel', text: 'sentinel' });
    await waitFor(async () => receiver.on('/sentinel').length > 0, 'the sentinel', WAIT);
    // Nothing read, nothing remembered: the events of an organization without an active endpoint cost the follower nothing.
    expect(await cursorOf(ids.orgId)).toBe(before);

    await admin.admin.webhooks.update.mutate({ id: ep.id, active: true });
    expect(await cursorOf(ids.orgId)).toBe(await lastEventOf(ids.orgId));
    const [{ n }] = (await app.db
      .sql`SELECT count(*)::int AS n FROM webhook_conversation_states WHERE org_id = ${ids.orgId}`) as unknown as [{ n: number }];
    expect(n).toBe(0);
    await inbound(app, channel, { from: 'while-on', text: 'said once it was on again' });
    await waitFor(async () => receiver.on('/again').length > 0, 'the delivery after enabling', WAIT);
    expect(receiver.on('/again').map((h) => h.body.data.message.text)).toEqual(['said once it was on again']);
    await admin.admin.webhooks.remove.mutate({ id: ep.id });
  });

  it('a push alert in an organization where nobody subscribed claims nothing', async () => {
    await setOnline(app.db.sql, ['ana@demo.test']);
    const c = await waitingConversation(app, channel, 'no-push');
    const [event] = await app.db.sql`SELECT id::text FROM events
      WHERE org_id = ${ids.orgId} AND type = 'queue.changed' AND data->>'conversationId' = ${c.id} AND data->>'status' = 'waiting'`;
    await waitFor(async () => handledPush.includes(event!.id as string), 'the push follower', WAIT);
    const claims = await app.db.sql`SELECT key FROM push_claims WHERE org_id = ${ids.orgId}`;
    expect(claims).toEqual([]);
  });
});

describe('derived conversation events', () => {
  it('a message event with a state older than a claim already told does not tell it again', async () => {
    const ep = await admin.admin.webhooks.create.mutate({
      url: receiver.url('/stale'),
      events: ['conversation.queued', 'conversation.claimed', 'message.sent'],
    });
    await setOnline(app.db.sql, ['ana@demo.test']);
    const c = await waitingConversation(app, channel, 'stale-1');
    const ana = await app.login('ana@demo.test');
    await ana.conversations.claim.mutate({ conversationId: c.id });
    const [message] = await app.db.sql`SELECT id FROM messages WHERE conversation_id = ${c.id} ORDER BY created_at LIMIT 1`;
    // As a status webhook does: it read the conversation (still waiting) before the claim
    // committed, and its event commits after the claim's.
    await app.services.bus.publish(app.services.sql, ids.orgId, 'message.status', {
      conversationId: c.id,
      messageId: message!.id as string,
      status: 'delivered',
      direction: 'out',
      conversationStatus: 'waiting',
      teamId: c.teamId,
      assigneeId: null,
      targetUserId: null,
      contactId: c.contactId,
    });
    await ana.conversations.send.mutate({ conversationId: c.id, text: 'Hello!', clientMessageId: 'stale-ana-1' });
    const ofIt = () =>
      receiver
        .on('/stale')
        .filter((h) => (h.body.data.conversation?.id ?? h.body.data.message?.conversationId) === c.id)
        .map((h) => (h.body.type === 'message.sent' ? `sent:${h.body.data.message.text}` : h.body.type));
    await waitFor(async () => ofIt().includes('sent:Hello!'), 'Ana’s message', WAIT);
    expect(ofIt().filter((t) => t.startsWith('conversation.'))).toEqual(['conversation.queued', 'conversation.claimed']);
    expect(ofIt().at(-1)).toBe('sent:Hello!');
    await admin.admin.webhooks.remove.mutate({ id: ep.id });
  });
});
