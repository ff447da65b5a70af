import { GRAPH_VERSION } from './graph.ts';

/**
 * GET /<version>/<waba-id>/message_templates, every page. Pages are followed with Meta's
 * `paging.cursors.after` on our own URL (never the `paging.next` URL itself, so the token
 * only ever goes to the configured Graph base URL); `paging.next` absent means the last page.
 */
const FIELDS = 'name,language,category,status,components,id,rejected_reason,parameter_format';
const PAGE_SIZE = 100;
/** 200 pages of 100: far more than Meta allows a WABA; a loop past it is a misbehaving answer. */
const MAX_PAGES = 200;
const TIMEOUT_MS = 30_000;

/** Why the list could not be read; nothing is changed when any page fails. */
export type TemplateListFailure =
  | { kind: 'token'; code: number | null; detail: string }
  | { kind: 'rateLimit'; code: number | null; detail: string }
  | { kind: 'network'; detail: string }
  | { kind: 'refused'; code: number | null; detail: string };

export class TemplateListError extends Error {
  constructor(public readonly failure: TemplateListFailure) {
    super(`message_templates: ${failure.kind}: ${failure.detail}`);
  }
}

/** Graph error codes: 190 (and 102, 463, 467) token invalid or expired; 4, 17, 32, 613, 80007, 80008 rate limits. */
const TOKEN_CODES = new Set([190, 102, 463, 467]);
const RATE_CODES = new Set([4, 17, 32, 613, 80007, 80008, 130429]);

export const isWabaId = (id: string): boolean => /^[0-9]{1,32}$/.test(id);

interface Page {
  data?: unknown;
  paging?: { cursors?: { after?: unknown }; next?: unknown };
  error?: { code?: unknown; message?: unknown; error_subcode?: unknown };
}

export async function fetchMessageTemplates(baseUrl: string, wabaId: string, token: string, version = GRAPH_VERSION): Promise<unknown[]> {
  if (!isWabaId(wabaId)) throw new TemplateListError({ kind: 'refused', code: null, detail: 'not a WABA id' });
  const all: unknown[] = [];
  let after: string | null = null;
  const seen = new Set<string>();
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = new URL(`${baseUrl.replace(/\/$/, '')}/${version}/${wabaId}/message_templates`);
    url.searchParams.set('fields', FIELDS);
    url.searchParams.set('limit', String(PAGE_SIZE));
    if (after) url.searchParams.set('after', after);
    let res: Response;
    let json: Page;
    try {
      res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(TIMEOUT_MS) });
      json = (await res.json().catch(() => ({}))) as Page;
    } catch (err) {
      throw new TemplateListError({ kind: 'network', detail: err instanceof Error ? err.message : String(err) });
    }
    if (!res.ok || json.error) {
      const code = typeof json.error?.code === 'number' ? json.error.code : null;
      const detail = typeof json.error?.message === 'string' ? json.error.message : `HTTP ${res.status}`;
      if ((code !== null && TOKEN_CODES.has(code)) || res.status === 401) throw new TemplateListError({ kind: 'token', code, detail });
      if ((code !== null && RATE_CODES.has(code)) || res.status === 429) throw new TemplateListError({ kind: 'rateLimit', code, detail });
      if (res.status >= 500) throw new TemplateListError({ kind: 'network', detail });
      throw new TemplateListError({ kind: 'refused', code, detail });
    }
    if (!Array.isArray(json.data)) throw new TemplateListError({ kind: 'refused', code: null, detail: 'answer without data[]' });
    all.push(...json.data);
    const next = json.paging?.cursors?.after;
    if (!json.paging?.next || typeof next !== 'string' || !next || seen.has(next)) return all;
    seen.add(next);
    after = next;
  }
  throw new TemplateListError({ kind: 'refused', code: null, detail: `more than ${MAX_PAGES} pages` });
}
