import { describe, expect, it } from 'vitest';
import { createOtherOrg, waitFor } from '../../../test/helpers/orgs.ts';
import { en } from '../../../test/helpers/i18n.ts';
import { app, conversationOf, newVisitor, useWebchatApp } from './webchat-test-setup.ts';

useWebchatApp();

// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

describe('attachments both ways', () => {
  it('the visitor sends a file the serving agent reads; the agent sends one the visitor reads', async () => {
    const v = await newVisitor();
    const up = await v.upload(new Blob([PNG], { type: 'image/png' }), 'photo.png');
    expect(up.status).toBe(201);
    const sent = await v.send('my photo', undefined, { attachmentId: up.body.attachmentId });
    expect(sent.body.message).toMatchObject({
      kind: 'image',
      text: 'my photo',
      attachment: { id: up.body.attachmentId, filename: 'photo.png', contentType: 'image/png' },
    });
    const back = await fetch(`${app.url}${sent.body.message.attachment.url}`, { headers: v.headers() });
    expect(back.status).toBe(200);
    expect(Buffer.from(await back.arrayBuffer()).equals(PNG)).toBe(true);
    const [att] = await app.db.sql`SELECT uploaded_by, purpose FROM attachments WHERE id = ${up.body.attachmentId}`;
    expect(att).toEqual({ uploaded_by: null, purpose: 'webchat' });

    const ana = await app.login('ana@demo.test');
    const agentFetch = (id: string) => fetch(`${app.url}/uploads/${id}`, { headers: { cookie: ana.cookie! } });
    // In the bot menu the conversation has no team yet: only admins see it.
    expect((await agentFetch(up.body.attachmentId)).status).toBe(404);
    await v.send('1');
    expect((await agentFetch(up.body.attachmentId)).status).toBe(200);
    const outsider = await createOtherOrg(app.db.sql, 'webchat-files');
    const theirs = await app.login(outsider.agent.email, outsider.password);
    expect((await fetch(`${app.url}/uploads/${up.body.attachmentId}`, { headers: { cookie: theirs.cookie! } })).status).toBe(404);

    const conv = await conversationOf(v);
    await ana.conversations.claim.mutate({ conversationId: conv.id });
    const form = new FormData();
    form.append('file', new Blob(['invoice body'], { type: 'application/pdf' }), 'invoice.pdf');
    const agentUpload = await (
      await fetch(`${app.url}/uploads?purpose=message`, { method: 'POST', headers: { cookie: ana.cookie! }, body: form })
    ).json();
    const out = await ana.conversations.send.mutate({
      conversationId: conv.id,
      text: '',
      attachmentId: agentUpload.id,
      clientMessageId: 'ana-file-0001',
    });
    const seen = await waitFor(async () => (await v.messages()).find((m) => m.id === out.id), 'agent file in the widget');
    expect(seen).toMatchObject({
      direction: 'out',
      author: 'Ana',
      attachment: { id: agentUpload.id, filename: 'invoice.pdf', url: `/webchat/files/${agentUpload.id}` },
    });
    const file = await fetch(`${app.url}${seen.attachment.url}`, { headers: v.headers() });
    expect(await file.text()).toBe('invoice body');
    // Another visitor cannot.
    const w = await newVisitor();
    expect((await fetch(`${app.url}${seen.attachment.url}`, { headers: w.headers() })).status).toBe(404);
  });

  it('refuses a type /uploads refuses and a file over the size limit', async () => {
    const v = await newVisitor();
    const exe = await v.upload(new Blob(['MZ'], { type: 'application/x-msdownload' }), 'run.exe');
    expect(exe.status).toBe(415);
    const big = await v.upload(new Blob([Buffer.alloc(65 * 1024)], { type: 'text/plain' }), 'big.txt');
    expect(big.status).toBe(413);
    expect(big.body.error.message).toBe(en('upload.tooLarge', { max: '64 KB' }));
  });
});
