/**
 * LGPD / GDPR through a real browser: the admin sets retention on /admin/privacy; on a
 * contact's page the admin exports its data as a ZIP and erases it after typing its name; an
 * agent sees neither action.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from '../test/helpers/axe.ts';
import { useAppInBrowser } from '../test/helpers/browser-app.ts';
import { makeChannel } from '../test/helpers/conversations.ts';
import { makeContact, makeConversation } from '../test/helpers/factories.ts';
import { en } from '../test/helpers/i18n.ts';
import { waitFor } from '../test/helpers/orgs.ts';
import { readZip } from '../test/helpers/privacy.ts';

const e2e = useAppInBrowser();

async function subject(name: string, whatsapp: string) {
  const { app, ids } = e2e;
  const sql = app.db.sql;
  const channel = await makeChannel(sql, ids);
  const contactId = await makeContact(sql, ids.orgId, { name, whatsapp, email: `${whatsapp}@example.test` });
  const conversationId = await makeConversation(sql, ids.orgId, { contactId, channelId: channel.id, status: 'closed', rating: 5 });
  await sql`INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, status)
    VALUES (${ids.orgId}, ${conversationId}, ${channel.id}, 'in', 'text', 'quero meus dados, por favor', 'received')`;
  return contactId;
}

describe('privacy', () => {
  it('sets retention on its admin screen', async () => {
    // Stored values first, and the form showing them before anything is typed.
    await e2e.app.db.sql`INSERT INTO privacy_settings (org_id, erase_closed_after_months, delete_audit_after_months)
      VALUES (${e2e.ids.orgId}, 6, 12)`;
    const page = await e2e.signedIn('admin@demo.test', '/admin/privacy');
    const form = page.getByRole('form', { name: en('privacy.admin.title') });
    await expect.poll(() => form.getByLabel(en('privacy.admin.eraseClosed')).inputValue()).toBe('6');
    await expect.poll(() => form.getByLabel(en('privacy.admin.deleteAudit')).inputValue()).toBe('12');
    await form.getByLabel(en('privacy.admin.eraseClosed')).fill('18');
    await form.getByLabel(en('privacy.admin.deleteAudit')).fill('36');
    await form.getByRole('button', { name: en('privacy.admin.save') }).click();
    await page
      .getByRole('status')
      .filter({ hasText: en('privacy.admin.saved') })
      .waitFor();
    const [row] = await e2e.app.db.sql`SELECT erase_closed_after_months, delete_audit_after_months FROM privacy_settings`;
    expect(row).toEqual({ erase_closed_after_months: 18, delete_audit_after_months: 36 });
    expect(await seriousViolations(page, '.adm-page')).toEqual([]);
    // Emptied: kept forever.
    await form.getByLabel(en('privacy.admin.deleteAudit')).fill('');
    await form.getByRole('button', { name: en('privacy.admin.save') }).click();
    await waitFor(
      async () => (await e2e.app.db.sql`SELECT 1 FROM privacy_settings WHERE delete_audit_after_months IS NULL`).length === 1,
      'the audit retention emptied',
    );
    await page.close();
  });

  it('exports a contact as a ZIP and erases it after its name is typed', async () => {
    const contactId = await subject('Otília Brasilina', '5511944443333');
    const page = await e2e.signedIn('admin@demo.test', `/contacts/${contactId}`);
    const section = page.getByRole('region', { name: en('privacy.actions') });
    await section.waitFor({ timeout: 20_000 });
    await section.getByLabel(en('privacy.requestedBy')).fill('REQ-E2E-7');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      section.getByRole('link', { name: en('privacy.export') }).click(),
    ]);
    const zip = await readZip(fs.readFileSync((await download.path())!));
    expect(JSON.parse(zip.get('contact.json')!.toString())).toMatchObject({
      name: 'Otília Brasilina',
      identities: { whatsapp: '5511944443333' },
    });
    expect(JSON.parse(zip.get('manifest.json')!.toString())).toMatchObject({ requestedBy: 'REQ-E2E-7' });

    await section.getByRole('button', { name: en('privacy.erase') }).click();
    const dialog = page.getByRole('form', { name: en('privacy.eraseTitle', { name: 'Otília Brasilina' }) });
    const confirm = dialog.getByRole('button', { name: en('privacy.eraseConfirm') });
    await dialog.getByText(en('privacy.eraseSummary', { messages: 1, conversations: 1, files: 0 })).waitFor();
    expect(await seriousViolations(page, '.privacy-actions')).toEqual([]);
    await dialog.getByLabel(en('privacy.eraseType', { name: 'Otília Brasilina' })).fill('Otilia');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel(en('privacy.eraseType', { name: 'Otília Brasilina' })).fill('otília brasilina');
    await confirm.click();
    await section
      .getByRole('status')
      .filter({ hasText: en('privacy.erasedDone', { messages: 1, files: 0 }) })
      .waitFor();
    const [row] = await e2e.app.db.sql`SELECT name, whatsapp, email, erased_at FROM contacts WHERE id = ${contactId}`;
    expect(row).toMatchObject({ whatsapp: null, email: null });
    expect(row!.erased_at).not.toBeNull();
    // The card now names the erased contact neutrally, and erasure is not offered again.
    await page
      .getByRole('heading', { name: row!.name as string })
      .first()
      .waitFor();
    // The heading and the actions refresh from separate queries: wait for the button to go, not read it once.
    await section.getByRole('button', { name: en('privacy.erase') }).waitFor({ state: 'detached' });
    const [audit] = await e2e.app.db.sql`SELECT details FROM audit_log WHERE action = 'contact_erased'`;
    expect(audit!.details).toMatchObject({ contactId, requestedBy: 'REQ-E2E-7' });
    await page.close();
  });

  it('offers an agent neither action', async () => {
    const contactId = await subject('Agente Nãovê', '5511944442222');
    const page = await e2e.signedIn('ana@demo.test', `/contacts/${contactId}`);
    await page.getByRole('heading', { name: en('contacts.notes.title'), exact: true }).waitFor({ timeout: 20_000 });
    expect(await page.getByRole('region', { name: en('privacy.actions') }).count()).toBe(0);
    await page.close();
  });
});
