import { describe, expect, it } from 'vitest';
import { createTestClient, refusal, type TestApp } from '../../../test/helpers/app.ts';
import { inbound, setOnline, waitingConversation } from '../../../test/helpers/conversations.ts';
import { openEventStream } from '../../../test/helpers/events.ts';
import { createOtherOrg, waitFor } from '../../../test/helpers/orgs.ts';
import { app, botMessages, EN, ids, useConversationsApp, wa } from './conversations-test-setup.ts';

// The queue's tests read what the ingest tests above them left waiting: one file, in this order.
useConversationsApp();

describe('ingest and the bot menu', () => {
  it('starts a new contact in the bot, marks the contact incomplete and sends the menu', async () => {
    const r = await inbound(app, wa, { from: '5511900000001', text: 'Olá', name: 'Maria' });
    expect(r.conversation.status).toBe('bot');
    expect(r.conversation.protocol).toMatch(/^\d{8}-\d{6}$/);
    const [contact] = await app.db.sql`SELECT name, incomplete, whatsapp FROM contacts WHERE id = ${r.conversation.contactId}`;
    expect(contact).toMatchObject({ name: 'Maria', incomplete: true, whatsapp: '5511900000001' });
    expect(await botMessages(r.conversation.id)).toEqual(['Hello! Which team?\n1 Support\n2 Sales']);
  });

  it('repeats the menu on an invalid choice and queues on a valid one', async () => {
    const r = await inbound(app, wa, { from: '5511900000001', text: 'what?' });
    expect(r.conversation.status).toBe('bot');
    expect((await botMessages(r.conversation.id)).at(-1)).toBe('Sorry, I did not understand.\nHello! Which team?\n1 Support\n2 Sales');
    await setOnline(app.db.sql, ['ana@demo.test']);
    const chosen = await inbound(app, wa, { from: '5511900000001', text: 'Support' });
    expect(chosen.conversation).toMatchObject({ status: 'waiting', teamId: ids.teams.Support });
    expect(chosen.conversation.queuedAt).not.toBeNull();
  });

  it('says no one is available when nobody in the team is online, and still waits', async () => {
    await app.db.sql`UPDATE users SET status = 'paused' WHERE email = 'carla@demo.test'`;
    const c = await waitingConversation(app, wa, '5511900000002', '2');
    expect(c).toMatchObject({ status: 'waiting', teamId: ids.teams.Sales });
    expect((await botMessages(c.id)).at(-1)).toBe('Nobody is available right now; we will answer as soon as possible.');
  });

  it('deduplicates a redelivered message on the channel id', async () => {
    const first = await inbound(app, wa, { from: '5511900000003', text: 'one', id: 'wamid.DUP1' });
    const again = await inbound(app, wa, { from: '5511900000003', text: 'one', id: 'wamid.DUP1' });
    expect(again.duplicate).toBe(true);
    expect(again.message.id).toBe(first.message.id);
    expect(await app.db.sql`SELECT 1 FROM messages WHERE channel_message_id = 'wamid.DUP1'`).toHaveLength(1);
  });

  it('makes one contact and one conversation from concurrent deliveries of a new contact', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => inbound(app, wa, { from: '5511900000099', text: `msg ${i}`, id: `wamid.CONC${i}` })),
    );
    expect(new Set(results.map((r) => r.conversation.id)).size).toBe(1);
    expect(await app.db.sql`SELECT 1 FROM contacts WHERE whatsapp = '5511900000099'`).toHaveLength(1);
    expect(
      await app.db.sql`SELECT 1 FROM messages WHERE conversation_id = ${results[0]!.conversation.id} AND direction = 'in'`,
    ).toHaveLength(12);
  });
});

describe('queue, claim and writing', () => {
  it('lists what the caller may see, oldest first, with contact, channel, team and last message', async () => {
    const ana = await app.login('ana@demo.test');
    const queue = await ana.queue.list.query();
    expect(queue.map((q) => q.team!.name).every((n: string) => n === 'Support')).toBe(true);
    const item = queue.find((q) => q.contact.whatsapp === '5511900000001');
    // Its last message is the customer's last words before the menu choice "Support" ("what?"), not the choice.
    expect(item).toMatchObject({ status: 'waiting', channel: { id: wa.id, kind: 'whatsapp' }, lastMessage: { text: 'what?' } });
    const times = queue.map((q) => q.waitingSince);
    expect([...times].sort()).toEqual(times);
    // Carla (Sales and Support) sees the Sales queue; Ana does not.
    const carla = await app.login('carla@demo.test');
    expect((await carla.queue.list.query()).some((q) => q.team?.name === 'Sales')).toBe(true);
  });

  it("shows the customer's last message that is not their answer to the bot menu, else that answer", async () => {
    const ana = await app.login('ana@demo.test');
    const lastOf = async (id: string) =>
      ((await ana.queue.list.query({ conversationIds: [id] })) as { lastMessage: { text: string } | null }[])[0]?.lastMessage?.text;
    const c = await waitingConversation(app, wa, '5511900000031', '1');
    expect(await lastOf(c.id)).toBe('Oi');
    // Written after the choice: that is the last message.
    await inbound(app, wa, { from: '5511900000031', text: 'Is anyone there?' });
    expect(await lastOf(c.id)).toBe('Is anyone there?');
    // Only the menu answer is known (its earlier words gone): the answer is shown.
    const d = await waitingConversation(app, wa, '5511900000032', '1');
    await app.db.sql`DELETE FROM messages WHERE conversation_id = ${d.id} AND direction = 'in' AND NOT payload ? 'botMenuAnswer'`;
    expect(await lastOf(d.id)).toBe('1');
  });

  it('fetches only the asked rows under the same visibility as the whole list', async () => {
    const support = await waitingConversation(app, wa, '5511900000041', '1');
    const sales = await waitingConversation(app, wa, '5511900000042', '2');
    const both = [support.id, sales.id];
    const rowIds = async (client: Awaited<ReturnType<TestApp['login']>>, input: Record<string, unknown>) =>
      ((await client.queue.list.query(input)) as { id: string }[]).map((r) => r.id);
    const ana = await app.login('ana@demo.test');
    const carla = await app.login('carla@demo.test');
    const admin = await app.login('admin@demo.test');
    // Team member sees her team's row only; a member of both teams sees both; the admin sees all.
    expect(await rowIds(ana, { conversationIds: both })).toEqual([support.id]);
    expect((await rowIds(carla, { conversationIds: both })).sort()).toEqual([...both].sort());
    expect((await rowIds(admin, { conversationIds: both })).sort()).toEqual([...both].sort());
    // The same row as in the whole list, and the team filter still applies.
    const whole = (await ana.queue.list.query({})) as { id: string }[];
    expect(await ana.queue.list.query({ conversationIds: [support.id] })).toEqual(whole.filter((r) => r.id === support.id));
    expect(await rowIds(carla, { conversationIds: both, teamId: ids.teams.Sales })).toEqual([sales.id]);
    // Another organization sees nothing of ours; without a session, refused.
    const other = await createOtherOrg(app.db.sql, 'queue-ids');
    const stranger = await app.login(other.agent.email, other.password);
    const strangerAdmin = await app.login(other.admin.email, other.password);
    expect(await rowIds(stranger, { conversationIds: both })).toEqual([]);
    expect(await rowIds(strangerAdmin, { conversationIds: both })).toEqual([]);
    expect((await refusal(createTestClient(app.url).queue.list.query({ conversationIds: both }))).code).toBe('UNAUTHORIZED');
    // Targeted at a person: only that person (and admins) see it; claimed: no one sees it waiting.
    await admin.conversations.transfer.mutate({ conversationId: support.id, toUserId: ids.users['bruno@demo.test'] });
    expect(await rowIds(ana, { conversationIds: [support.id] })).toEqual([]);
    const bruno = await app.login('bruno@demo.test');
    expect(await rowIds(bruno, { conversationIds: [support.id] })).toEqual([support.id]);
    await carla.conversations.claim.mutate({ conversationId: sales.id });
    expect(await rowIds(carla, { conversationIds: [sales.id] })).toEqual([]);
    // Bounded input.
    expect((await refusal(ana.queue.list.query({ conversationIds: [] }))).code).toBe('BAD_REQUEST');
    expect((await refusal(ana.queue.list.query({ conversationIds: Array.from({ length: 101 }, () => support.id) }))).code).toBe(
      'BAD_REQUEST',
    );
  });

  it('live events say what the Waiting lists need, and a transfer away tells the team it left', async () => {
    const ana = await app.login('ana@demo.test');
    const stream = openEventStream(app.url, ana.cookie);
    await stream.started;
    const other = await createOtherOrg(app.db.sql, 'queue-left');
    const outsider = openEventStream(app.url, (await app.login(other.agent.email, other.password)).cookie);
    await outsider.started;
    const c = await waitingConversation(app, wa, '5511900000051', '1');
    const of = (type: string) => stream.received.filter((e) => e.data.type === type && e.data.conversationId === c.id).map((e) => e.data);
    await waitFor(async () => of('queue.changed').length > 0, 'queued');
    expect(of('queue.changed')[0]).toMatchObject({ status: 'waiting', teamId: ids.teams.Support, contactId: c.contactId });
    await inbound(app, wa, { from: '5511900000051', text: 'still there?' });
    await waitFor(async () => of('message.created').length > 0, 'the message');
    expect(of('message.created')[0]).toMatchObject({
      status: 'received',
      direction: 'in',
      conversationStatus: 'waiting',
      teamId: ids.teams.Support,
      contactId: c.contactId,
    });
    const admin = await app.login('admin@demo.test');
    await admin.conversations.transfer.mutate({ conversationId: c.id, toTeamId: ids.teams.Sales });
    await waitFor(async () => of('conversation.left').length > 0, 'left');
    expect(of('conversation.left')[0]).toMatchObject({ teamId: ids.teams.Support, contactId: c.contactId });
    // Ana (Support) no longer sees its new state; another organization sees nothing.
    expect(of('queue.changed').filter((e) => e.teamId === ids.teams.Sales)).toEqual([]);
    expect(outsider.received.some((e) => e.data.conversationId === c.id)).toBe(false);
    stream.close();
    outsider.close();
  });

  it('colleagues a change removes (a removal, the close) hear of it once, though not in the team', async () => {
    const carla = await app.login('carla@demo.test');
    const ana = await app.login('ana@demo.test');
    const bruno = await app.login('bruno@demo.test');
    await setOnline(app.db.sql, ['ana@demo.test', 'bruno@demo.test']);
    const anaStream = openEventStream(app.url, ana.cookie);
    const brunoStream = openEventStream(app.url, bruno.cookie);
    await Promise.all([anaStream.started, brunoStream.started]);
    // A Sales conversation: Ana and Bruno are in Support only.
    const c = await waitingConversation(app, wa, '5511900000052', '2');
    await carla.conversations.claim.mutate({ conversationId: c.id });
    await carla.conversations.invite.mutate({ conversationId: c.id, userId: ids.users['ana@demo.test'] });
    await carla.conversations.invite.mutate({ conversationId: c.id, userId: ids.users['bruno@demo.test'] });
    const of = (stream: typeof anaStream, type: string) =>
      stream.received.filter((e) => e.data.type === type && e.data.conversationId === c.id).map((e) => e.data);
    await carla.conversations.leave.mutate({ conversationId: c.id, userId: ids.users['bruno@demo.test'] });
    await waitFor(
      async () => of(brunoStream, 'conversation.participants').some((e) => e.userId === ids.users['bruno@demo.test']),
      'Bruno told he was removed',
    );
    await carla.conversations.finish.mutate({ conversationId: c.id });
    await waitFor(async () => of(anaStream, 'conversation.updated').some((e) => e.status === 'closed'), 'Ana told of the close');
    await new Promise((r) => setTimeout(r, 300));
    // Bruno, already out, does not hear of the close.
    expect(of(brunoStream, 'conversation.updated').some((e) => e.status === 'closed')).toBe(false);
    anaStream.close();
    brunoStream.close();
  });

  it('lets a team member peek without taking, and refuses others', async () => {
    const c = await waitingConversation(app, wa, '5511900000004', '2');
    const carla = await app.login('carla@demo.test');
    const peek = await carla.conversations.get.query({ conversationId: c.id });
    expect(peek).toMatchObject({ status: 'waiting', can: { write: false, claim: true } });
    expect(peek.messages.map((m) => m.text)).toContain('2');
    const ana = await app.login('ana@demo.test');
    expect((await refusal(ana.conversations.get.query({ conversationId: c.id }))).code).toBe('NOT_FOUND');
    expect((await refusal(ana.conversations.claim.mutate({ conversationId: c.id }))).code).toBe('NOT_FOUND');
  });

  it('only the serving agent and invited colleagues write; each message names its author to the customer', async () => {
    const c = await waitingConversation(app, wa, '5511900000005');
    const ana = await app.login('ana@demo.test');
    const bruno = await app.login('bruno@demo.test');
    await setOnline(app.db.sql, ['bruno@demo.test']);
    const claimed = await ana.conversations.claim.mutate({ conversationId: c.id });
    expect(claimed).toMatchObject({ status: 'active', assignee: { name: 'Ana Souza' }, can: { write: true } });
    const sent = await ana.conversations.send.mutate({ conversationId: c.id, text: 'Olá, tudo bem?', clientMessageId: 'ana-msg-0001' });
    expect(sent.status).toBe('queued');
    const [row] = await app.db.sql`SELECT wire_text, author_id FROM messages WHERE id = ${sent.id}`;
    expect(row).toMatchObject({ wire_text: '*Ana:* Olá, tudo bem?', author_id: ids.users['ana@demo.test'] });
    const denied = await refusal(
      bruno.conversations.send.mutate({ conversationId: c.id, text: 'me too', clientMessageId: 'bruno-msg-0001' }),
    );
    expect(denied.code).toBe('FORBIDDEN');
    expect(denied.message).toMatch(/^No permission: /);
    await ana.conversations.invite.mutate({ conversationId: c.id, userId: ids.users['bruno@demo.test'] });
    const fromBruno = await bruno.conversations.send.mutate({ conversationId: c.id, text: 'Oi!', clientMessageId: 'bruno-msg-0002' });
    expect((await app.db.sql`SELECT wire_text FROM messages WHERE id = ${fromBruno.id}`)[0]!.wire_text).toBe('*Bruno:* Oi!');
    await bruno.conversations.leave.mutate({ conversationId: c.id });
    expect(
      (await refusal(bruno.conversations.send.mutate({ conversationId: c.id, text: 'x', clientMessageId: 'bruno-msg-0003' }))).code,
    ).toBe('FORBIDDEN');
    // The organization may turn identification off.
    await app.db.sql`UPDATE organizations SET identify_agents = false WHERE id = ${ids.orgId}`;
    const plain = await ana.conversations.send.mutate({ conversationId: c.id, text: 'Plain', clientMessageId: 'ana-msg-0002' });
    expect((await app.db.sql`SELECT wire_text FROM messages WHERE id = ${plain.id}`)[0]!.wire_text).toBe('Plain');
    await app.db.sql`UPDATE organizations SET identify_agents = true WHERE id = ${ids.orgId}`;
  });

  it('is idempotent on clientMessageId, also for a refusal', async () => {
    const c = await waitingConversation(app, wa, '5511900000006', '1', new Date(Date.now() - 25 * 3600_000));
    const ana = await app.login('ana@demo.test', 'atende-demo', EN);
    await ana.conversations.claim.mutate({ conversationId: c.id });
    const refused = await refusal(ana.conversations.send.mutate({ conversationId: c.id, text: 'late', clientMessageId: 'idem-0001' }));
    expect(refused.code).toBe('PRECONDITION_FAILED');
    // The customer writes: the window opens, but the same id keeps its first answer.
    await inbound(app, wa, { from: '5511900000006', text: 'still there?' });
    const replayed = await refusal(ana.conversations.send.mutate({ conversationId: c.id, text: 'late', clientMessageId: 'idem-0001' }));
    expect([replayed.code, replayed.message]).toEqual([refused.code, refused.message]);
    const first = await ana.conversations.send.mutate({ conversationId: c.id, text: 'now', clientMessageId: 'idem-0002' });
    const second = await ana.conversations.send.mutate({ conversationId: c.id, text: 'now', clientMessageId: 'idem-0002' });
    expect(second.id).toBe(first.id);
    const both = await Promise.all(
      [1, 2, 3].map(() => ana.conversations.send.mutate({ conversationId: c.id, text: 'race', clientMessageId: 'idem-0003' })),
    );
    expect(new Set(both.map((m) => m.id)).size).toBe(1);
    expect(await app.db.sql`SELECT 1 FROM messages WHERE client_message_id IN ('idem-0002', 'idem-0003')`).toHaveLength(2);
  });
});
