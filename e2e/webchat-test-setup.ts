import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import type { Channel } from '../db/queries/channels.ts';
import type { TestApp } from '../test/helpers/app.ts';
import { useAppInBrowser, type AppInBrowser, type DemoIds } from '../test/helpers/browser-app.ts';
import { makeChannel } from '../test/helpers/conversations.ts';
import { en } from '../test/helpers/i18n.ts';

/**
 * What the web chat's browser test files share: each starts its own app and Chromium
 * (`useAppInBrowser`) and its own company site through `useWebchatSite()` — another origin
 * (another host name and port) with the one-line embed of a web chat channel that lists it.
 */

export let app: TestApp;
export let ids: DemoIds;
/** The web chat channel the company's site embeds; it lists that site as allowed. */
export let channel: Channel;
let host: http.Server;
export let hostUrl: string;
export let hostOrigin: string;
/** The same test site under its other name: another origin, one the channel does not list. */
export let otherUrl: string;
export let orgName: string;
const BRAND = '#7c3aed';
export const BRAND_RGB = 'rgb(124, 58, 237)';

/** Registers the file's hooks (the app and browser first, then the channel and the site); returns the app in the browser. */
export function useWebchatSite(): AppInBrowser {
  const e2e = useAppInBrowser();
  beforeAll(async () => {
    ({ app, ids } = e2e);
    channel = await makeChannel(app.db.sql, ids, 'webchat');
    await app.db.sql`UPDATE organizations SET brand_color = ${BRAND} WHERE id = ${ids.orgId}`;
    orgName = (await app.db.sql<{ name: string }[]>`SELECT name FROM organizations WHERE id = ${ids.orgId}`)[0]!.name;
    // The company's site: another origin (another host name and port) with the one-line embed;
    // /planted is a hostile page that frames the widget by hand with a token of its own.
    host = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      if (url.pathname === '/planted') {
        res.end(plantingPage(url.searchParams.get('channel')!, url.searchParams.get('session')!));
        return;
      }
      res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Loja Exemplo</title></head>
      <body><h1>Loja Exemplo</h1>
      <script src="${app.url}/widget/embed.js" data-channel="${url.searchParams.get('channel') ?? channel.id}" async></script></body></html>`);
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    const port = (host.address() as AddressInfo).port;
    hostUrl = `http://localhost:${port}/`;
    hostOrigin = `http://localhost:${port}`;
    otherUrl = `http://127.0.0.1:${port}/`;
    // The company lists its site: the widget may be framed there, and may keep its session there.
    await app.db.sql`UPDATE channels SET allowed_sites = ${[hostOrigin]} WHERE id = ${channel.id}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => host?.close(resolve));
  });
  return e2e;
}

/**
 * A page that frames the widget with a visitor token of its own, in the address (as the
 * embed script once handed the session over) and by postMessage, again and again.
 */
function plantingPage(channelId: string, session: string): string {
  const src = `${app.url}/widget?channel=${encodeURIComponent(channelId)}#session=${encodeURIComponent(session)}`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not the shop</title></head><body>
    <iframe title="${en('widget.title')}" src="${src}" style="width:400px;height:600px;border:0"></iframe>
    <script>
      var frame = document.querySelector('iframe');
      setInterval(function () { frame.contentWindow.postMessage({ type: 'atende:session', value: ${JSON.stringify(session)} }, '*'); }, 100);
    </script></body></html>`;
}
