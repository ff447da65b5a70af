/**
 * API tokens through a real browser: the admin creates a token, sees its secret once (and can
 * copy it), an integration uses it against /api/v1, the admin revokes it and it stops working.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from '../test/helpers/axe.ts';
import { useAppInBrowser } from '../test/helpers/browser-app.ts';
import { en } from '../test/helpers/i18n.ts';

const e2e = useAppInBrowser({ people: 'english' });

/** An integration's request, made from the page with fetch: the token only (the page's cookie is ignored by /api). */
const statusWith = (page: Page, token: string) =>
  page.evaluate(async (t) => (await fetch('/api/v1/contacts', { headers: { authorization: `Bearer ${t}` } })).status, token);

describe('API tokens screen', () => {
  it('creates a token shown once, which works until it is revoked', async () => {
    const page = await e2e.signedIn('admin@demo.test', '/admin/api-tokens');
    await page.getByRole('heading', { name: en('api.title') }).waitFor();
    await page.getByRole('button', { name: en('api.new') }).click();
    await page.getByLabel(en('api.name'), { exact: true }).fill('CRM sync');
    await page.getByRole('checkbox', { name: `${en('api.scope.contacts:read')} (contacts:read)` }).check();
    await page.getByRole('button', { name: en('api.create') }).click();

    // The secret, once, with a copy button.
    const secretField = page.getByLabel(en('api.createdTitle', { name: 'CRM sync' }));
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^atd_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$/);
    await page.getByText(en('api.createdOnce')).waitFor();
    await page.getByRole('button', { name: en('api.copy') }).click();
    await page.getByText(en('api.copied')).waitFor();
    expect(await seriousViolations(page, '.adm-page')).toEqual([]);

    // An integration uses it.
    expect(await statusWith(page, secret)).toBe(200);

    // Once dismissed, the secret is gone from the page for good; the list shows only its prefix.
    await page.getByRole('button', { name: en('api.done') }).click();
    await page.reload();
    const row = page.getByRole('row').filter({ hasText: 'CRM sync' });
    await row.getByText(secret.slice(0, 16)).waitFor();
    await row.getByText(en('api.state.active')).waitFor();
    expect(await page.content()).not.toContain(secret);

    // Revoked after a confirmation: it stops working at once.
    await row.getByRole('button', { name: en('api.revokeNamed', { name: 'CRM sync' }) }).click();
    await page.getByRole('button', { name: en('api.confirmRevoke', { name: 'CRM sync' }) }).click();
    await page
      .getByRole('status')
      .filter({ hasText: en('api.revokedNamed', { name: 'CRM sync' }) })
      .waitFor();
    await row.getByText(en('api.state.revoked')).waitFor();
    expect(await statusWith(page, secret)).toBe(401);
  });
});
