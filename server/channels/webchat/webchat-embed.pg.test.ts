import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LANGUAGES, translate } from '../../../i18n/index.ts';
import { refusal } from '../../../test/helpers/app.ts';
import { makeChannel } from '../../../test/helpers/conversations.ts';
import { en } from '../../../test/helpers/i18n.ts';
import { app, channel, ids, useWebchatApp } from './webchat-test-setup.ts';

useWebchatApp();

describe('GET /webchat/channel', () => {
  it('tells any page the organization name, brand colour and menu, without the teams', async () => {
    await app.db.sql`UPDATE organizations SET brand_color = '#7C3AED' WHERE id = ${ids.orgId}`;
    const [org] = await app.db.sql<{ name: string }[]>`SELECT name FROM organizations WHERE id = ${ids.orgId}`;
    // The launcher asks from the company's page: another origin, no cookies.
    const res = await fetch(`${app.url}/webchat/channel?channelId=${channel.id}`, {
      headers: { origin: 'https://shop.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = await res.json();
    expect(body).toEqual({
      channel: { id: channel.id, name: channel.name },
      organization: { name: org!.name, brandColor: '#7c3aed' },
      menu: [
        { key: '1', label: 'Support' },
        { key: '2', label: 'Sales' },
      ],
      noOneAvailableMessage: channel.noOneAvailableMessage,
      allowedSites: [],
    });
    expect(JSON.stringify(body)).not.toContain(ids.teams.Support);
  });

  it('answers 404 for a channel that is not an active web chat channel, 400 for a bad id', async () => {
    const whatsapp = await makeChannel(app.db.sql, ids, 'whatsapp');
    const unknown = await fetch(`${app.url}/webchat/channel?channelId=${whatsapp.id}`, { headers: { 'accept-language': 'en' } });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.message).toBe(en('webchat.unknownChannel'));
    expect((await fetch(`${app.url}/webchat/channel?channelId=nope`)).status).toBe(400);
  });
});

describe('/widget', () => {
  it('serves the embed script, cacheable, with the launcher strings from the catalogue', async () => {
    const res = await fetch(`${app.url}/widget/embed.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const body = await res.text();
    expect(body).toContain(JSON.stringify(en('widget.open')).slice(1, -1));
    expect(body).toContain('/widget?channel=');
    // The launcher takes the organization's brand colour from the public channel profile.
    expect(body).toContain("'/webchat/channel?channelId='");
    const again = await fetch(`${app.url}/widget/embed.js`, { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('serves the widget page framable by any site, or a clear 503 when not built', async () => {
    const res = await fetch(`${app.url}/widget?channel=${channel.id}`);
    if (res.status === 503) {
      expect(await res.text()).toBe(translate('pt-BR', 'webchat.notBuilt'));
      return;
    }
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!.split(/;\s*/);
    expect(csp).toContain('frame-ancestors *');
    // The widget's own policy: everything from Atende's origin, no inline script.
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "connect-src 'self'",
      "img-src 'self' blob: data:",
      "object-src 'none'",
      "base-uri 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(res.headers.get('x-frame-options')).toBeNull();
    const html = await res.text();
    expect(html).toContain('id="widget"');
    // Its strings, every language, in a JSON block (not a script: the CSP allows none inline).
    const block = /<script type="application\/json" id="atende-strings">(.*?)<\/script>/s.exec(html);
    const data = JSON.parse(block![1]!);
    expect(data.languages).toEqual([...LANGUAGES]);
    for (const l of LANGUAGES) {
      expect(data.strings[l]['widget.send']).toBe(translate(l, 'widget.send'));
      expect(data.strings[l]['widget.noOneAvailable']).toBe(translate(l, 'widget.noOneAvailable'));
      expect(data.strings[l]['error.network']).toBe(translate(l, 'error.network'));
    }
    // Only the widget's: not the agent app's catalogue.
    expect(data.strings.en['error.adminOnly']).toBeUndefined();
  });
});

describe('allowed sites of a web chat channel', () => {
  it('the admin saves origins as browsers write them, and refuses anything else with a sentence', async () => {
    const admin = await app.login('admin@demo.test', undefined, { 'accept-language': 'en' });
    const created = await admin.admin.channels.create.mutate({
      kind: 'webchat',
      name: `Sites ${randomUUID().slice(0, 6)}`,
      allowedSites: ['https://Shop.Example.com/', 'http://localhost:8080'],
    });
    expect(created.allowedSites).toEqual(['https://shop.example.com', 'http://localhost:8080']);
    for (const bad of [
      'shop.example.com',
      'https://shop.example.com/checkout',
      'https://*.example.com',
      "https://shop.example.com; script-src 'unsafe-inline'",
      'ftp://shop.example.com',
    ]) {
      const e = await refusal(admin.admin.channels.update.mutate({ id: created.id, allowedSites: ['https://ok.example.com', bad] }));
      expect([e.code, e.data.reason]).toEqual(['BAD_REQUEST', 'admin.channels.badSite']);
      expect(e.message).toBe(en('admin.channels.badSite', { value: bad }));
      const refusedCreate = await refusal(admin.admin.channels.create.mutate({ kind: 'webchat', name: 'Refused', allowedSites: [bad] }));
      expect(refusedCreate.data.reason).toBe('admin.channels.badSite');
    }
    // Nothing was saved by a refused change.
    const [row] = await app.db.sql`SELECT allowed_sites FROM channels WHERE id = ${created.id}`;
    expect(row!.allowed_sites).toEqual(['https://shop.example.com', 'http://localhost:8080']);
    const cleared = await admin.admin.channels.update.mutate({ id: created.id, allowedSites: [] });
    expect(cleared.allowedSites).toEqual([]);
    // A WhatsApp channel is not embedded anywhere: the field is ignored.
    const whatsapp = await makeChannel(app.db.sql, ids, 'whatsapp');
    expect(
      (await admin.admin.channels.update.mutate({ id: whatsapp.id, allowedSites: ['https://shop.example.com'] })).allowedSites,
    ).toEqual([]);
  });

  it('the widget page may be framed only by them, and the widget learns them from GET /webchat/channel', async () => {
    const sited = await makeChannel(app.db.sql, ids, 'webchat');
    await app.db.sql`UPDATE channels SET allowed_sites = ${['https://shop.example.com', 'http://localhost:8080']} WHERE id = ${sited.id}`;
    const profile = await (await fetch(`${app.url}/webchat/channel?channelId=${sited.id}`)).json();
    expect(profile.allowedSites).toEqual(['https://shop.example.com', 'http://localhost:8080']);
    const res = await fetch(`${app.url}/widget?channel=${sited.id}`);
    if (res.status === 503) return; // the client is not built: the header is checked by the browser test
    const csp = res.headers.get('content-security-policy')!.split(/;\s*/);
    expect(csp).toContain('frame-ancestors https://shop.example.com http://localhost:8080');
    expect(csp.filter((d) => d.startsWith('frame-ancestors'))).toHaveLength(1);
    // Another channel, or none, keeps its own answer.
    expect((await fetch(`${app.url}/widget?channel=${channel.id}`)).headers.get('content-security-policy')).toContain('frame-ancestors *');
    expect((await fetch(`${app.url}/widget?channel=nope`)).headers.get('content-security-policy')).toContain('frame-ancestors *');
  });
});
