import { describe, expect, it } from 'vitest';
import { translate } from '../../../i18n/index.ts';
import { refusal } from '../../../test/helpers/app.ts';
import { inbound, waitingConversation } from '../../../test/helpers/conversations.ts';
import { makeContact } from '../../../test/helpers/factories.ts';
import { app, EN, ids, template, useConversationsApp, wa, web } from './conversations-test-setup.ts';

useConversationsApp();

describe("WhatsApp's 24-hour window", () => {
  async function activeWith(from: string, lastInboundAgo: number) {
    const c = await waitingConversation(app, wa, from, '1', new Date(Date.now() - lastInboundAgo));
    const ana = await app.login('ana@demo.test', 'atende-demo', EN);
    await ana.conversations.claim.mutate({ conversationId: c.id });
    return { c, ana };
  }

  it('allows free-form at 23h59m and refuses it at 24h01m with what to do', async () => {
    const inside = await activeWith('5511900000010', (23 * 60 + 59) * 60_000);
    await inside.ana.conversations.send.mutate({ conversationId: inside.c.id, text: 'in time', clientMessageId: 'win-0001' });
    const outside = await activeWith('5511900000011', (24 * 60 + 1) * 60_000);
    const e = await refusal(
      outside.ana.conversations.send.mutate({ conversationId: outside.c.id, text: 'too late', clientMessageId: 'win-0002' }),
    );
    expect(e.code).toBe('PRECONDITION_FAILED');
    expect(e.message).toMatch(/^The 24-hour window closed at .+ — send a template\.$/);
    // A template is allowed outside the window, with its parameters checked.
    const bad = await refusal(
      outside.ana.conversations.sendTemplate.mutate({ conversationId: outside.c.id, templateId: template, params: ['Maria'] }),
    );
    expect(bad.message).toBe(translate('en', 'conv.templateParams', { count: 2, given: 1 }));
    const t = await outside.ana.conversations.sendTemplate.mutate({
      conversationId: outside.c.id,
      templateId: template,
      params: ['Maria', '123'],
      clientMessageId: 'win-0003',
    });
    expect(t.text).toBe('Hello Maria, about your order 123.');
    // ...but does not open it.
    expect(
      (await refusal(outside.ana.conversations.send.mutate({ conversationId: outside.c.id, text: 'x', clientMessageId: 'win-0004' }))).code,
    ).toBe('PRECONDITION_FAILED');
  });

  it('after an agent-initiated template, free-form waits for the reply; the reply reopens it', async () => {
    const ana = await app.login('ana@demo.test', 'atende-demo', EN);
    const contact = await makeContact(app.db.sql, ids.orgId, { name: 'João', email: 'joao@x.test', whatsapp: '5511900000020' });
    const c = await ana.conversations.start.mutate({
      contactId: contact,
      teamId: ids.teams.Support,
      channelId: wa.id,
      templateId: template,
      params: ['João', '77'],
      clientMessageId: 'start-0001',
    });
    expect(c).toMatchObject({ status: 'active', assignee: { name: 'Ana Souza' } });
    const e = await refusal(ana.conversations.send.mutate({ conversationId: c.id, text: 'hi', clientMessageId: 'start-0002' }));
    expect(e.message).toBe(translate('en', 'conv.awaitingReply'));
    await inbound(app, wa, { from: '5511900000020', text: 'Oi!' });
    await ana.conversations.send.mutate({ conversationId: c.id, text: 'hi', clientMessageId: 'start-0003' });
    // Starting again while she serves: refused with the reason.
    const bruno = await app.login('bruno@demo.test', 'atende-demo', EN);
    const busy = await refusal(
      bruno.conversations.start.mutate({
        contactId: contact,
        teamId: ids.teams.Support,
        channelId: wa.id,
        templateId: template,
        params: ['a', 'b'],
      }),
    );
    expect([busy.code, busy.message]).toEqual(['FORBIDDEN', translate('en', 'conv.busyServed', { name: 'Ana Souza' })]);
    // Without a template a WhatsApp conversation cannot start.
    const other = await makeContact(app.db.sql, ids.orgId, { name: 'Zé', email: 'ze@x.test', whatsapp: '5511900000021' });
    expect(
      (await refusal(bruno.conversations.start.mutate({ contactId: other, teamId: ids.teams.Support, channelId: wa.id, text: 'hi' }))).code,
    ).toBe('PRECONDITION_FAILED');
    // Nor in a team the agent is not in.
    expect(
      (
        await refusal(
          bruno.conversations.start.mutate({
            contactId: other,
            teamId: ids.teams.Sales,
            channelId: wa.id,
            templateId: template,
            params: ['a', 'b'],
          }),
        )
      ).code,
    ).toBe('FORBIDDEN');
  });

  it('other channels have no window', async () => {
    await inbound(app, web, { from: 'visitor-1', text: 'hi', at: new Date(Date.now() - 72 * 3600_000) });
    const r = await inbound(app, web, { from: 'visitor-1', text: '1', at: new Date(Date.now() - 72 * 3600_000) });
    const ana = await app.login('ana@demo.test');
    await ana.conversations.claim.mutate({ conversationId: r.conversation.id });
    const m = await ana.conversations.send.mutate({ conversationId: r.conversation.id, text: 'hello', clientMessageId: 'web-0001' });
    expect((await app.db.sql`SELECT wire_text FROM messages WHERE id = ${m.id}`)[0]!.wire_text).toBe('Ana: hello');
  });

  it('a contact in the bot flow cannot be started until an admin releases it', async () => {
    const r = await inbound(app, wa, { from: '5511900000030', text: 'oi' });
    const ana = await app.login('ana@demo.test', 'atende-demo', EN);
    const e = await refusal(
      ana.conversations.start.mutate({
        contactId: r.conversation.contactId,
        teamId: ids.teams.Support,
        channelId: wa.id,
        templateId: template,
        params: ['a', 'b'],
      }),
    );
    expect([e.code, e.message]).toEqual(['FORBIDDEN', translate('en', 'conv.busyBot')]);
    expect((await refusal(ana.admin.conversations.releaseFromBot.mutate({ conversationId: r.conversation.id }))).code).toBe('FORBIDDEN');
    const admin = await app.login('admin@demo.test');
    await admin.admin.conversations.releaseFromBot.mutate({ conversationId: r.conversation.id });
    await ana.conversations.start.mutate({
      contactId: r.conversation.contactId,
      teamId: ids.teams.Support,
      channelId: wa.id,
      templateId: template,
      params: ['a', 'b'],
    });
  });
});
