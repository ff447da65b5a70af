import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { translate, type Language, type MessageKey } from '../../../i18n/index.ts';

const MAX_JSON = 64 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(JSON.stringify(body));
}

/** `{ error: { code, message } }`: the catalogue key for programs, the sentence for people. */
export function refuse(
  res: ServerResponse,
  status: number,
  lang: Language,
  key: MessageKey,
  extra: { params?: Record<string, string | number>; fields?: Record<string, string>; headers?: Record<string, string> } = {},
): void {
  if (extra.headers) for (const [k, v] of Object.entries(extra.headers)) res.setHeader(k, v);
  sendJson(res, status, {
    error: { code: key, message: translate(lang, key, extra.params), ...(extra.fields ? { fields: extra.fields } : {}) },
  });
}

/** The body as JSON; undefined when it is not JSON, not sent as JSON, or too large. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Parses with zod; on failure answers 400 with one message per field and returns null. */
export function parseOr400<T extends z.ZodType>(res: ServerResponse, lang: Language, schema: T, value: unknown): z.infer<T> | null {
  const parsed = schema.safeParse(value ?? null);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.join('.') || 'body';
    fields[key] ??= issue.message;
  }
  refuse(res, 400, lang, 'error.invalidInput', { fields });
  return null;
}

/** The visitor token from `Authorization: Bearer …`, or (for the event stream only) `?token=`. */
export function visitorTokenOf(req: IncomingMessage, url: URL, allowQuery = false): string | null {
  const header = req.headers.authorization;
  if (typeof header === 'string' && header.toLowerCase().startsWith('bearer ')) return header.slice(7).trim() || null;
  return allowQuery ? url.searchParams.get('token') : null;
}
