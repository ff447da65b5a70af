import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { catalogue, DEFAULT_LANGUAGE, LANGUAGES, pickLanguage, translate, type MessageKey } from '../../../i18n/index.ts';
import { CHANNEL_ID, STRINGS_ELEMENT_ID, type WidgetStrings } from '../../../shared/webchat-wire.ts';
import { frameAncestors } from '../../domain/allowed-sites.ts';
import { embedScript } from './embed.ts';

/**
 * The widget page's own policy (the app's pages have theirs, with frame-ancestors 'none'):
 * everything it loads comes from Atende's origin, and it may be framed only by the sites its
 * channel allows — any site when the channel names none (embedding is its purpose). The
 * browser enforces this even against a page that builds the iframe by hand.
 */
const WIDGET_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** The allowed sites of an active web chat channel; null when there is no such channel. */
export type AllowedSitesOf = (channelId: string) => Promise<string[] | null>;

/** The catalogue keys the widget page shows besides `widget.*` (client/widget/strings.ts). */
const WIDGET_EXTRA_KEYS: MessageKey[] = ['error.network', 'webchat.unknownChannel'];

let stringsBlock: string | null = null;

/**
 * The widget's strings in every language, as a JSON data block in the page (not a script:
 * the page's CSP allows no inline script, and needs none), so the widget does not download
 * the whole catalogue of the agent app.
 */
export function widgetStringsBlock(): string {
  if (!stringsBlock) {
    const keys = (Object.keys(catalogue.en) as MessageKey[]).filter((k) => k.startsWith('widget.') || WIDGET_EXTRA_KEYS.includes(k));
    const strings = Object.fromEntries(LANGUAGES.map((l) => [l, Object.fromEntries(keys.map((k) => [k, translate(l, k)]))]));
    const json = JSON.stringify({ languages: [...LANGUAGES], defaultLanguage: DEFAULT_LANGUAGE, strings } satisfies WidgetStrings).replace(
      /</g,
      '\\u003c',
    );
    stringsBlock = `<script type="application/json" id="${STRINGS_ELEMENT_ID}">${json}</script>`;
  }
  return stringsBlock;
}

/** GET /widget (the page, built by Vite into <clientDir>/widget/index.html) and /widget/embed.js. */
export async function handleWidget(
  clientDir: string,
  req: IncomingMessage,
  res: ServerResponse,
  allowedSitesOf: AllowedSitesOf,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const lang = pickLanguage(req.headers['accept-language']);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  if (url.pathname === '/widget/embed.js') {
    const { body, etag } = embedScript();
    const headers = {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=3600',
      etag,
      'x-content-type-options': 'nosniff',
      'cross-origin-resource-policy': 'cross-origin',
      'access-control-allow-origin': '*',
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  if (url.pathname !== '/widget' && url.pathname !== '/widget/' && url.pathname !== '/widget/index.html') {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(translate(lang, 'error.notFound'));
    return;
  }
  const file = path.join(clientDir, 'widget', 'index.html');
  let html: string;
  try {
    html = fs.readFileSync(file, 'utf8').replace('</head>', `${widgetStringsBlock()}</head>`);
  } catch {
    res
      .writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
      .end(translate(lang, 'webchat.notBuilt'));
    return;
  }
  // An unknown channel's page only says so (the API refuses it): any site may show that.
  const channelId = url.searchParams.get('channel') ?? '';
  const sites = CHANNEL_ID.test(channelId) ? await allowedSitesOf(channelId) : null;
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': `${WIDGET_CSP}; ${frameAncestors(sites ?? [])}`,
    'cache-control': 'no-cache',
    'referrer-policy': 'same-origin',
    'x-content-type-options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : html);
}
