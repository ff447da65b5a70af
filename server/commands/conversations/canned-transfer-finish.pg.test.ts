import { describe, expect, it } from 'vitest';
import { translate } from '../../../i18n/index.ts';
import { refusal, refusalOf } from '../../../test/helpers/app.ts';
import { inbound, waitingConversation } from '../../../test/helpers/conversations.ts';
import { makeCanned } from '../../../test/helpers/factories.ts';
import { app, botMessages, EN, ids, template, useConversationsApp, wa } from './conversations-test-setup.ts';

useConversationsApp();

describe('canned responses', () => {
  it('fills the variables and sends the files under the same rules', async () => {
    const c = await waitingConversation(app, wa, '5511900000070');
    const ana = await app.login('ana@demo.test');
    await ana.conversations.claim.mutate({ conversationId: c.id });
    const form = new FormData();
    form.append('file', new Blob(['%PDF-1.4'], { type: 'application/pdf' }), 'prices.pdf');
    const upload = await fetch(`${app.url}/uploads?purpose=canned`, { method: 'POST', headers: { cookie: ana.cookie! }, body: form });
    const file = (await upload.json()).id as string;
    const cannedId = await makeCanned(app.db.sql, ids.orgId, {
      shortcut: 'prices',
      title: 'Prices',
      body: 'Hello {contact.name}, I am {agent.name}; protocol {protocol}. {unknown}',
      attachmentIds: [file],
    });
    const m = await ana.conversations.sendCanned.mutate({ conversationId: c.id, cannedId, clientMessageId: 'canned-0001' });
    const [row] = await app.db.sql`SELECT text, attachment_id FROM messages WHERE id = ${m.id}`;
    expect(row).toMatchObject({ text: `Hello , I am Ana Souza; protocol ${c.protocol}. {unknown}`, attachment_id: file });
    const again = await ana.conversations.sendCanned.mutate({ conversationId: c.id, cannedId, clientMessageId: 'canned-0001' });
    expect(again.id).toBe(m.id);
  });
});

describe('transfer, finish and rating', () => {
  it('transfers to a person: only that person may claim, and it is audited', async () => {
    const c = await waitingConversation(app, wa, '5511900000040');
    const ana = await app.login('ana@demo.test');
    await ana.conversations.claim.mutate({ conversationId: c.id });
    await ana.conversations.transfer.mutate({ conversationId: c.id, toUserId: ids.users['bruno@demo.test'] });
    const bruno = await app.login('bruno@demo.test');
    expect((await bruno.queue.list.query()).some((q) => q.id === c.id)).toBe(true);
    expect((await ana.queue.list.query()).some((q) => q.id === c.id)).toBe(false);
    expect((await refusal(ana.conversations.claim.mutate({ conversationId: c.id }))).code).toBe('FORBIDDEN');
    await bruno.conversations.claim.mutate({ conversationId: c.id });
    await bruno.conversations.transfer.mutate({ conversationId: c.id, toTeamId: ids.teams.Sales });
    const [conv] = await app.db.sql`SELECT status, team_id, target_user_id FROM conversations WHERE id = ${c.id}`;
    expect(conv).toMatchObject({ status: 'waiting', team_id: ids.teams.Sales, target_user_id: null });
    expect(
      await app.db.sql`SELECT 1 FROM audit_log WHERE action = 'conversation_transferred' AND details->>'conversationId' = ${c.id}`,
    ).toHaveLength(2);
  });

  it('requires a disposition when the team says so, then asks for and records the rating', async () => {
    const [disposition] = await app.db
      .sql`INSERT INTO dispositions (org_id, name) VALUES (${ids.orgId}, 'Resolved ' || gen_random_uuid()) RETURNING id`;
    await app.db.sql`UPDATE teams SET disposition_required = true WHERE id = ${ids.teams.Support}`;
    const c = await waitingConversation(app, wa, '5511900000050');
    const ana = await app.login('ana@demo.test', 'atende-demo', EN);
    await ana.conversations.claim.mutate({ conversationId: c.id });
    const e = await refusal(ana.conversations.finish.mutate({ conversationId: c.id }));
    expect([e.code, e.message]).toEqual(['PRECONDITION_FAILED', translate('en', 'conv.dispositionRequired')]);
    const closed = await ana.conversations.finish.mutate({ conversationId: c.id, dispositionId: disposition!.id });
    expect(closed).toMatchObject({ status: 'closed', closeReason: 'agent', dispositionId: disposition!.id });
    expect((await botMessages(c.id)).at(-1)).toBe(translate('pt-BR', 'conv.ratingRequest'));
    const answer = await inbound(app, wa, { from: '5511900000050', text: '5' });
    expect(answer.conversation.id).toBe(c.id);
    const [row] = await app.db.sql`SELECT rating, status FROM conversations WHERE id = ${c.id}`;
    expect(row).toMatchObject({ rating: 5, status: 'closed' });
    expect(await app.db.sql`SELECT 1 FROM conversations WHERE contact_id = ${c.contactId} AND status <> 'closed'`).toHaveLength(0);
    // A later message is a new conversation, not another rating.
    const later = await inbound(app, wa, { from: '5511900000050', text: '4' });
    expect(later.conversation.id).not.toBe(c.id);
    await app.db.sql`UPDATE teams SET disposition_required = false WHERE id = ${ids.teams.Support}`;
  });

  it('sending a template from Waiting claims under the same rule', async () => {
    const c = await waitingConversation(app, wa, '5511900000060', '1', new Date(Date.now() - 48 * 3600_000));
    const ana = await app.login('ana@demo.test', 'atende-demo', EN);
    const bruno = await app.login('bruno@demo.test', 'atende-demo', EN);
    const [a, b] = await Promise.allSettled([
      ana.conversations.sendTemplate.mutate({
        conversationId: c.id,
        templateId: template,
        params: ['x', 'y'],
        clientMessageId: 'tpl-a-0001',
      }),
      bruno.conversations.claim.mutate({ conversationId: c.id }),
    ]);
    const winners = [a, b].filter((r) => r.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    const loser = [a, b].find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refusalOf(loser.reason)?.code).toBe('CONFLICT');
    expect(loser.reason.message).toMatch(/^Already taken by (Ana Souza|Bruno Lima)\.$/);
  });
});
