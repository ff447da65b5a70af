import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeText } from '../../../client/src/workspace/conversation/composer-rules.ts';
import type { Channel } from '../../../db/queries/channels.ts';
import { refusalOf, startTestApp, type TestApp, type TestClient } from '../../../test/helpers/app.ts';
import { inbound, makeChannel, makeTemplate, waitingConversation } from '../../../test/helpers/conversations.ts';
import { demoIds } from '../../../test/helpers/orgs.ts';

/**
 * The WhatsApp window as the agent sees it (conversations.get, and the composer's rule on
 * top of it) and as `send` applies it must be one answer: whenever the view says the window
 * is closed and why, a free-form send is refused for that same reason, and only then.
 */

let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let wa: Channel;
let template: string;
let ana: TestClient;
const HOUR = 3600_000;

beforeAll(async () => {
  app = await startTestApp();
  ids = await demoIds(app.db.sql);
  wa = await makeChannel(app.db.sql, ids, 'whatsapp');
  template = await makeTemplate(app.db.sql, ids.orgId, wa.id);
  ana = await app.login('ana@demo.test');
});
afterAll(() => app?.stop());

/** The refusal `send` gives for each closed-window reason the view can show. */
const SEND_REFUSAL = {
  awaiting_reply: 'conv.awaitingReply',
  never_opened: 'conv.windowNeverOpened',
  expired: 'conv.windowClosed',
} as const;

let n = 0;
/** What the view says, what the composer makes of it, and what a free-form send answers. */
async function viewAndSend(conversationId: string) {
  const view = await ana.conversations.get.query({ conversationId });
  const composer = freeText({
    status: view.status,
    channelKind: view.channel.kind,
    canWrite: view.can.write,
    canClaim: view.can.claim,
    window: view.window,
  });
  const sent = await ana.conversations.send.mutate({ conversationId, text: 'free-form', clientMessageId: `window-agree-${n++}` }).then(
    () => 'sent' as const,
    (err: unknown) => {
      const r = refusalOf(err);
      if (!r) throw err;
      return r.data.reason;
    },
  );
  return { window: view.window, composer, sent };
}

async function servedWithInboundAgo(from: string, ago: number) {
  const c = await waitingConversation(app, wa, from, '1', new Date(Date.now() - ago));
  await ana.conversations.claim.mutate({ conversationId: c.id });
  return c.id;
}

describe('the window: the view, the composer and send agree', () => {
  it('after a template sent outside the window: awaiting reply in all three', async () => {
    const id = await servedWithInboundAgo('5511900007001', 30 * HOUR);
    const before = await viewAndSend(id);
    expect(before.window).toMatchObject({ open: false, reason: 'expired' });
    expect(before.sent).toBe(SEND_REFUSAL.expired);
    await ana.conversations.sendTemplate.mutate({
      conversationId: id,
      templateId: template,
      params: ['Maria', '1'],
      clientMessageId: 'window-agree-t1',
    });
    const after = await viewAndSend(id);
    expect(after.window).toMatchObject({ open: false, reason: 'awaiting_reply' });
    expect(after.composer).toEqual({ allowed: false, reason: 'awaitingReply' });
    expect(after.sent).toBe(SEND_REFUSAL.awaiting_reply);
  });

  it('after an agent-initiated template: awaiting reply until the contact answers', async () => {
    const [contact] = await app.db
      .sql`INSERT INTO contacts (org_id, name, email, whatsapp) VALUES (${ids.orgId}, 'Lia', 'lia@x.test', '5511900007002') RETURNING id`;
    const c = await ana.conversations.start.mutate({
      contactId: contact!.id as string,
      teamId: ids.teams.Support,
      channelId: wa.id,
      templateId: template,
      params: ['Lia', '2'],
    });
    const waiting = await viewAndSend(c.id);
    expect(waiting.window).toMatchObject({ open: false, reason: 'awaiting_reply', closedAt: null });
    expect(waiting.composer).toEqual({ allowed: false, reason: 'awaitingReply' });
    expect(waiting.sent).toBe(SEND_REFUSAL.awaiting_reply);
    await inbound(app, wa, { from: '5511900007002', text: 'Oi!' });
    const answered = await viewAndSend(c.id);
    expect(answered).toMatchObject({ window: { open: true }, composer: { allowed: true }, sent: 'sent' });
  });

  it('inside the window, a template sent since does not close it', async () => {
    const id = await servedWithInboundAgo('5511900007003', 2 * HOUR);
    await ana.conversations.sendTemplate.mutate({
      conversationId: id,
      templateId: template,
      params: ['Rui', '3'],
      clientMessageId: 'window-agree-t3',
    });
    expect(await viewAndSend(id)).toMatchObject({ window: { open: true }, composer: { allowed: true }, sent: 'sent' });
  });
});
