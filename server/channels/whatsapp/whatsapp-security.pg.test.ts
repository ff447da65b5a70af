import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getChannel, type Channel } from '../../../db/queries/channels.ts';
import { refusal, type TestApp, type TestClient } from '../../../test/helpers/app.ts';
import { inbound } from '../../../test/helpers/conversations.ts';
import { startFakeGraph, type FakeGraph } from '../../../test/helpers/fake-graph.ts';
import { en as english } from '../../../test/helpers/i18n.ts';
import { createOtherOrg, demoIds, waitFor } from '../../../test/helpers/orgs.ts';
import { envelope, PHONE_NUMBER_ID, postWebhook, startWhatsAppApp, textMessage } from '../../../test/helpers/whatsapp.ts';

/**
 * The environment's WhatsApp credentials serve only the environment's channel, and inbound
 * media never steers the token: ids are Meta's numbers, URLs are on Meta's media hosts (here
 * the fake's origin, by configuration), types are the allowed ones.
 */
let app: TestApp;
let graph: FakeGraph;
let elsewhere: FakeGraph;
let ids: Awaited<ReturnType<typeof demoIds>>;
let other: Awaited<ReturnType<typeof createOtherOrg>>;
let adminB: TestClient;
let channelB: Channel;
// A number the operator's Meta app serves, so Meta signs its webhooks with the env's secret.
const BORROWED = '100000000000555';

beforeAll(async () => {
  ({ app, graph } = await startWhatsAppApp());
  elsewhere = await startFakeGraph();
  ids = await demoIds(app.db.sql);
  other = await createOtherOrg(app.db.sql, 'wa-sec');
  adminB = await app.login(other.admin.email, other.password);
  const created = await adminB.admin.channels.create.mutate({
    kind: 'whatsapp',
    name: 'Borrowed',
    phoneNumberId: BORROWED,
    // Not an input: asked for anyway, and ignored (checked below).
    ...({ envManaged: true } as object),
    // Two options: the bot answers with its menu (one option would queue at once).
    botGreeting: 'Hi from B',
    botOptions: [
      { key: '1', label: 'Support', teamId: other.team.id },
      { key: '2', label: 'Help', teamId: other.team.id },
    ],
  });
  channelB = (await getChannel(app.db.sql, other.org.id, created.id))!;
});
afterAll(async () => {
  await app?.stop();
  await graph?.close();
  await elsewhere?.close();
});

const messagesOf = (from: string) =>
  app.db.sql`SELECT m.id, m.conversation_id, m.direction, m.status, m.attachment_id, m.media_status, m.error_title
    FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN contacts k ON k.id = c.contact_id
    WHERE k.whatsapp = ${from} ORDER BY m.seq`;

describe('the environment channel', () => {
  it('is the seeded channel only; an admin cannot mark one', async () => {
    const marked = await app.db.sql`SELECT org_id, phone_number_id FROM channels WHERE env_managed`;
    expect(marked).toEqual([{ org_id: ids.orgId, phone_number_id: PHONE_NUMBER_ID }]);
    expect(channelB.envManaged).toBe(false);
    const [listed] = (await adminB.admin.channels.list.query()).filter((c) => c.id === channelB.id);
    expect(listed).toMatchObject({
      envManaged: false,
      hasAppSecret: false,
      hasAccessToken: false,
      webhookPath: `/webhooks/whatsapp/${channelB.id}`,
    });
  });

  it("does not carry webhooks signed with the environment's secret to a channel an admin created", async () => {
    const from = '5511980000001';
    // Meta delivers it (the operator's app serves the number): the env route must not store it.
    expect((await postWebhook(app.url, envelope(textMessage(from, 'to org B?'), BORROWED))).status).toBe(200);
    expect(await messagesOf(from)).toHaveLength(0);
    // Its own route has no secret: nothing is verified, nothing received.
    const own = `/webhooks/whatsapp/${channelB.id}`;
    expect((await postWebhook(app.url, envelope(textMessage(from, 'to org B?'), BORROWED), { path: own })).status).toBe(401);
    expect((await fetch(`${app.url}${own}?hub.mode=subscribe&hub.verify_token=&hub.challenge=1`)).status).toBe(403);
    expect(await messagesOf(from)).toHaveLength(0);
  });

  it("never sends an admin-created channel's messages with the environment's token", async () => {
    const from = '5511980000002';
    // As if it had arrived through the channel's own route: the bot answers on channel B.
    await inbound(app, channelB, { from, text: 'Oi' });
    const greeting = await waitFor(
      async () => (await messagesOf(from)).find((m) => m.direction === 'out' && !['queued', 'sending'].includes(m.status as string)),
      'greeting settled',
    );
    expect(greeting.status).toBe('failed');
    expect(graph.posts.filter((p) => p.phoneNumberId === BORROWED)).toHaveLength(0);
    expect(graph.requests.filter((r) => r.path.includes(BORROWED))).toHaveLength(0);
    // The agent reads why, in their language.
    const [conv] = await app.db.sql`SELECT c.id FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE k.whatsapp = ${from}`;
    const view = await adminB.conversations.get.query({ conversationId: conv!.id });
    expect(view.messages.find((m) => m.id === greeting.id)!.error!.message).toBe(english('delivery.noCredentials'));
  });

  it("keeps the environment channel's number: not changed by its admin, not taken by another channel", async () => {
    const admin = await app.login('admin@demo.test');
    const [env] = await app.db.sql`SELECT id FROM channels WHERE env_managed`;
    const moved = await refusal(admin.admin.channels.update.mutate({ id: env!.id, phoneNumberId: '100000000000556' }));
    expect([moved.code, moved.data.reason]).toEqual(['BAD_REQUEST', 'config.envChannelNumber']);
    // Saving its other settings with the same number is fine.
    expect(await admin.admin.channels.update.mutate({ id: env!.id, phoneNumberId: PHONE_NUMBER_ID, name: 'WhatsApp' })).toMatchObject({
      envManaged: true,
      webhookPath: '/webhooks/whatsapp',
    });
  });
});

describe('a phone number id another organization has', () => {
  it('gets the same answer as a malformed one, on create and on update', async () => {
    await app.db
      .sql`INSERT INTO channels (org_id, kind, name, phone_number_id) VALUES (${ids.orgId}, 'whatsapp', 'Demo second', '100000000000888')`;
    const answer = async (p: Promise<unknown>) => {
      const e = await refusal(p);
      return { status: e.status, code: e.code, message: e.message, reason: e.data.reason, fieldErrors: e.data.fieldErrors };
    };
    const create = (phoneNumberId: string) => adminB.admin.channels.create.mutate({ kind: 'whatsapp', name: 'Probe', phoneNumberId });
    const malformed = await answer(create('12ab'));
    expect(malformed.fieldErrors).toEqual({ phoneNumberId: english('config.phoneNumberIdInvalid') });
    expect(await answer(create('100000000000888'))).toEqual(malformed); // another organization's
    expect(await answer(create(PHONE_NUMBER_ID))).toEqual(malformed); // the environment's
    const update = (phoneNumberId: string) => adminB.admin.channels.update.mutate({ id: channelB.id, phoneNumberId });
    expect(await answer(update('100000000000888'))).toEqual(await answer(update('12ab')));
    expect((await app.db.sql`SELECT count(*)::int AS n FROM channels WHERE org_id = ${other.org.id}`)[0]!.n).toBe(1);
  });
});

describe('inbound media', () => {
  const mediaMessage = (from: string, id: string, mime = 'image/jpeg') =>
    envelope({
      contacts: [{ profile: { name: 'Media' }, wa_id: from }],
      messages: [
        {
          from,
          id: `wamid.SEC${from}`,
          timestamp: String(Math.floor(Date.now() / 1000)),
          type: 'image',
          image: { mime_type: mime, sha256: 'x', id },
        },
      ],
    });
  const settled = async (from: string, also: () => boolean = () => false) =>
    waitFor(
      async () => (await messagesOf(from)).find((m) => m.direction === 'in' && (m.media_status !== 'pending' || also())),
      'media settled',
      15_000,
    );

  it('never puts an id that is not a Graph media id into a URL: stored as unavailable, nothing fetched', async () => {
    const before = graph.requests.length;
    const from = '5511980000003';
    expect((await postWebhook(app.url, mediaMessage(from, '../../4400009/x?fields=name'))).status).toBe(200);
    const [m] = (await messagesOf(from)).filter((x) => x.direction === 'in');
    expect(m).toMatchObject({ media_status: 'failed', attachment_id: null });
    expect(graph.requests.slice(before).filter((r) => r.method === 'GET')).toHaveLength(0);
    // The agent sees the mark, not a message with nothing in it.
    const admin = await app.login('admin@demo.test');
    const view = await admin.conversations.get.query({ conversationId: m!.conversation_id });
    expect(view.messages.find((x) => x.id === m!.id)).toMatchObject({ media: 'failed', attachmentUrl: null });
  });

  it('sends the token only to the media hosts: a URL elsewhere is not fetched, not stored', async () => {
    const bytes = Buffer.from('jpeg from elsewhere');
    elsewhere.media.set('4400010', { bytes, mime: 'image/jpeg' });
    graph.media.set('4400010', { bytes, mime: 'image/jpeg', url: `${elsewhere.url}/files/4400010` });
    const from = '5511980000004';
    expect((await postWebhook(app.url, mediaMessage(from, '4400010'))).status).toBe(200);
    const m = await settled(from, () => elsewhere.requests.length > 0);
    expect(elsewhere.requests).toHaveLength(0);
    expect(m).toMatchObject({ media_status: 'failed', attachment_id: null });
  });

  it('does not follow a redirect off the media hosts with the token', async () => {
    const bytes = Buffer.from('jpeg behind a redirect');
    elsewhere.media.set('4400011', { bytes, mime: 'image/jpeg' });
    graph.media.set('4400011', { bytes, mime: 'image/jpeg', redirect: `${elsewhere.url}/files/4400011` });
    const from = '5511980000005';
    expect((await postWebhook(app.url, mediaMessage(from, '4400011'))).status).toBe(200);
    const m = await settled(from, () => elsewhere.requests.length > 0);
    expect(elsewhere.requests).toHaveLength(0);
    expect(m).toMatchObject({ media_status: 'failed', attachment_id: null });
  });

  it('stores only the types an upload may have', async () => {
    graph.media.set('4400012', { bytes: Buffer.from('<script>alert(1)</script>'), mime: 'text/html' });
    const from = '5511980000006';
    expect((await postWebhook(app.url, mediaMessage(from, '4400012', 'text/html'))).status).toBe(200);
    const m = await settled(from);
    expect(m).toMatchObject({ media_status: 'failed', attachment_id: null });
    expect(await app.db.sql`SELECT 1 FROM attachments WHERE content_type = 'text/html'`).toHaveLength(0);
    expect(graph.requests.filter((r) => r.path === '/files/4400012')).toHaveLength(0);
  });

  it('still stores an allowed file from the media host', async () => {
    graph.media.set('4400013', { bytes: Buffer.from('a real jpeg'), mime: 'image/jpeg' });
    const from = '5511980000007';
    expect((await postWebhook(app.url, mediaMessage(from, '4400013'))).status).toBe(200);
    const m = await settled(from);
    expect(m.media_status).toBe('stored');
    const [a] = await app.db.sql`SELECT content_type FROM attachments WHERE id = ${m.attachment_id}`;
    expect(a!.content_type).toBe('image/jpeg');
  });
});

describe('migration 0003 on a database seeded before it', () => {
  it('marks the channel the seed made with its organization, not one an admin made', async () => {
    const file = new URL('../../../db/migrations/channels/0003_env_channel.sql', import.meta.url);
    const migration = fs.readFileSync(file, 'utf8');
    await app.db.sql.begin(async (tx) => {
      await tx.unsafe('ALTER TABLE channels DROP COLUMN env_managed');
      await tx.unsafe(migration);
    });
    const marked = await app.db.sql`SELECT org_id, phone_number_id FROM channels WHERE env_managed`;
    expect(marked).toEqual([{ org_id: ids.orgId, phone_number_id: PHONE_NUMBER_ID }]);
  });
});
