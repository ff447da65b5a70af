/**
 * WhatsApp message templates as Meta describes them (GET /<waba-id>/message_templates) and
 * the rules Atende applies to them: which statuses may be sent, how many parameters a
 * template takes and in what order, and the `components` of a send. Pure, no I/O.
 *
 * Meta's component format: HEADER (format TEXT with `text`, or IMAGE/VIDEO/DOCUMENT/LOCATION),
 * BODY (`text`), FOOTER (`text`), BUTTONS (`buttons[]`: QUICK_REPLY, URL with an optional
 * `{{1}}` suffix, PHONE_NUMBER, COPY_CODE, OTP). Placeholders are `{{1}}`, `{{2}}`… or, for
 * templates with parameter_format NAMED, `{{first_name}}`.
 */

export const TEMPLATE_STATUSES = [
  'approved',
  'pending',
  'rejected',
  'paused',
  'disabled',
  'in_appeal',
  'pending_deletion',
  'deleted',
  'limit_exceeded',
  'archived',
] as const;
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];
export type ParameterFormat = 'positional' | 'named';

/** Meta's status (APPROVED, PAUSED…); one we do not know is never sendable, so it reads as pending. */
export function templateStatusOf(value: unknown): TemplateStatus {
  const s = typeof value === 'string' ? value.trim().toLowerCase() : '';
  return (TEMPLATE_STATUSES as readonly string[]).includes(s) ? (s as TemplateStatus) : 'pending';
}

/** Meta's reason codes ("NONE" means none): INVALID_FORMAT → "invalid format". */
export function reasonOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const r = value.trim();
  if (!r || r.toUpperCase() === 'NONE') return null;
  return /^[A-Z0-9_]+$/.test(r) ? r.toLowerCase().replace(/_/g, ' ') : r.slice(0, 300);
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const upper = (v: unknown): string => text(v).toUpperCase();

/** One value the sender gives, in the order the agent fills them in. */
export interface TemplateSlot {
  where: 'header' | 'body' | 'button';
  /** text; a header's media (given as an https link); a COPY_CODE button's coupon code. */
  kind: 'text' | 'image' | 'video' | 'document' | 'coupon_code';
  /** The placeholder's name: `1`, `2`… or `first_name` (NAMED templates). */
  name: string;
  /** For buttons: the button's position among the template's buttons. */
  buttonIndex?: number;
}

const MEDIA_FORMATS = new Set(['IMAGE', 'VIDEO', 'DOCUMENT']);

/** The placeholders of a text, each once: numbers in ascending order, names in order of appearance. */
export function placeholders(value: string, format: ParameterFormat): string[] {
  const found = [...value.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1]!);
  const unique = [...new Set(found)];
  if (format === 'named') return unique;
  return unique.filter((n) => /^\d+$/.test(n)).sort((a, b) => Number(a) - Number(b));
}

function componentOf(components: unknown, type: string): Obj | null {
  const found = arr(components)
    .map(obj)
    .find((c) => upper(c.type) === type);
  return found ?? null;
}

/** Every value a send of this template needs, header first, then body, then buttons. */
export function templateSlots(components: unknown, format: ParameterFormat): TemplateSlot[] {
  const slots: TemplateSlot[] = [];
  const header = componentOf(components, 'HEADER');
  if (header) {
    const f = upper(header.format) || 'TEXT';
    if (f === 'TEXT') for (const name of placeholders(text(header.text), format)) slots.push({ where: 'header', kind: 'text', name });
    else if (MEDIA_FORMATS.has(f)) slots.push({ where: 'header', kind: f.toLowerCase() as 'image', name: f.toLowerCase() });
  }
  const body = componentOf(components, 'BODY');
  if (body) for (const name of placeholders(text(body.text), format)) slots.push({ where: 'body', kind: 'text', name });
  arr(componentOf(components, 'BUTTONS')?.buttons)
    .map(obj)
    .forEach((b, buttonIndex) => {
      const type = upper(b.type);
      if (type === 'URL' && placeholders(text(b.url), 'positional').length > 0) {
        slots.push({ where: 'button', kind: 'text', name: `${text(b.text) || 'URL'}`, buttonIndex });
      } else if (type === 'COPY_CODE') {
        slots.push({ where: 'button', kind: 'coupon_code', name: text(b.text) || 'code', buttonIndex });
      }
    });
  return slots;
}

/**
 * The text agents see and messages keep: header, body, footer and buttons, with every
 * placeholder renumbered {{1}}…{{n}} in slot order (so one filling rule serves every template).
 */
export function displayBody(components: unknown, format: ParameterFormat): string {
  let n = 0;
  const renumber = (value: string) => {
    const own = new Map(placeholders(value, format).map((name) => [name, ++n]));
    return value.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (m, name: string) => (own.has(name) ? `{{${own.get(name)}}}` : m));
  };
  const parts: string[] = [];
  const header = componentOf(components, 'HEADER');
  if (header) {
    const f = upper(header.format) || 'TEXT';
    if (f === 'TEXT') parts.push(renumber(text(header.text)));
    else if (MEDIA_FORMATS.has(f)) parts.push(`[${f.toLowerCase()}: {{${++n}}}]`);
    else parts.push(`[${f.toLowerCase()}]`);
  }
  const body = componentOf(components, 'BODY');
  if (body) parts.push(renumber(text(body.text)));
  const footer = componentOf(components, 'FOOTER');
  if (footer && text(footer.text)) parts.push(text(footer.text));
  const buttons = arr(componentOf(components, 'BUTTONS')?.buttons).map(obj);
  const lines = buttons.map((b) => {
    const type = upper(b.type);
    if (type === 'URL' && placeholders(text(b.url), 'positional').length > 0)
      return `[${text(b.text)}: ${text(b.url).replace(/\{\{\s*1\s*\}\}/, `{{${++n}}}`)}]`;
    if (type === 'COPY_CODE') return `[${text(b.text) || 'code'}: {{${++n}}}]`;
    return `[${text(b.text) || type.toLowerCase()}]`;
  });
  if (lines.length) parts.push(lines.join('\n'));
  return parts.filter((p) => p.trim()).join('\n\n');
}

/** What the agent's form says a value is for: a header's file, a named placeholder, or nothing beyond its number. */
export function slotLabel(slot: TemplateSlot): { media: 'image' | 'video' | 'document' } | { name: string } | null {
  if (slot.where === 'header' && slot.kind !== 'text' && slot.kind !== 'coupon_code') return { media: slot.kind };
  return /^\d+$/.test(slot.name) ? null : { name: slot.name };
}

/** Meta's template as Atende stores it; null when Meta's answer lacks what a send needs. */
export interface SyncedTemplate {
  metaId: string | null;
  name: string;
  language: string;
  category: string;
  status: TemplateStatus;
  statusReason: string | null;
  components: unknown[];
  parameterFormat: ParameterFormat;
  body: string;
  paramCount: number;
}

export function syncedTemplateOf(raw: unknown): SyncedTemplate | null {
  const t = obj(raw);
  const name = text(t.name).trim();
  const language = text(t.language).trim();
  if (!/^[a-z0-9_]{1,512}$/.test(name) || !/^[A-Za-z_-]{2,16}$/.test(language)) return null;
  const components = arr(t.components);
  // Older answers lack parameter_format: a placeholder that is not a number makes it NAMED.
  const written = arr(t.components)
    .map((c) => text(obj(c).text))
    .join(' ');
  const named =
    upper(t.parameter_format) === 'NAMED' || (!t.parameter_format && placeholders(written, 'named').some((p) => !/^\d+$/.test(p)));
  const parameterFormat: ParameterFormat = named ? 'named' : 'positional';
  const status = templateStatusOf(t.status);
  const id = t.id;
  return {
    metaId: typeof id === 'string' || typeof id === 'number' ? String(id) : null,
    name,
    language,
    category: text(t.category).toLowerCase() || 'utility',
    status,
    statusReason: reasonOf(t.rejected_reason) ?? reasonOf(obj(t.quality_score).reasons),
    components,
    parameterFormat,
    body: displayBody(components, parameterFormat).slice(0, 4000) || name,
    paramCount: templateSlots(components, parameterFormat).length,
  };
}

/** Why a template cannot be sent now (a catalogue key and its values), or null when it can. */
export function templateRefusal(t: {
  name: string;
  language: string;
  status: TemplateStatus;
  statusReason: string | null;
  removedAt: Date | null;
}): { key: TemplateRefusalKey; params: Record<string, string> } | null {
  const params = { name: t.name, language: t.language, reason: t.statusReason ? ` (${t.statusReason})` : '' };
  if (t.removedAt || t.status === 'deleted' || t.status === 'pending_deletion' || t.status === 'archived')
    return { key: 'templateSync.refused.removed', params };
  if (t.status === 'approved') return null;
  if (t.status === 'paused') return { key: 'templateSync.refused.paused', params };
  if (t.status === 'rejected') return { key: 'templateSync.refused.rejected', params };
  if (t.status === 'disabled' || t.status === 'limit_exceeded') return { key: 'templateSync.refused.disabled', params };
  return { key: 'templateSync.refused.pending', params };
}
export type TemplateRefusalKey =
  | 'templateSync.refused.removed'
  | 'templateSync.refused.paused'
  | 'templateSync.refused.rejected'
  | 'templateSync.refused.disabled'
  | 'templateSync.refused.pending';

/** Whether a value given for a header media slot is a link Meta can fetch. */
export const isMediaLink = (value: string): boolean => /^https:\/\/[^\s]+$/.test(value.trim());

/**
 * The `components` of POST /messages for a synced template: each value given in slot order
 * (NAMED templates name each one with `parameter_name`). An OTP button (authentication
 * templates) repeats the code, which is the body's first value.
 */
export function sendComponents(components: unknown, format: ParameterFormat, values: readonly string[]): Obj[] {
  const slots = templateSlots(components, format);
  const named = format === 'named';
  const textParam = (slot: TemplateSlot, value: string) => ({ type: 'text', text: value, ...(named ? { parameter_name: slot.name } : {}) });
  const header: Obj[] = [];
  const body: Obj[] = [];
  const buttons: Obj[] = [];
  slots.forEach((slot, i) => {
    const value = values[i] ?? '';
    if (slot.where === 'header')
      header.push(slot.kind === 'text' ? textParam(slot, value) : { type: slot.kind, [slot.kind]: { link: value.trim() } });
    else if (slot.where === 'body') body.push(textParam(slot, value));
    else if (slot.kind === 'coupon_code')
      buttons.push({
        type: 'button',
        sub_type: 'copy_code',
        index: String(slot.buttonIndex),
        parameters: [{ type: 'coupon_code', coupon_code: value }],
      });
    else buttons.push({ type: 'button', sub_type: 'url', index: String(slot.buttonIndex), parameters: [{ type: 'text', text: value }] });
  });
  arr(componentOf(components, 'BUTTONS')?.buttons)
    .map(obj)
    .forEach((b, index) => {
      if (upper(b.type) === 'OTP' && body[0])
        buttons.push({ type: 'button', sub_type: 'url', index: String(index), parameters: [{ type: 'text', text: body[0].text }] });
    });
  return [
    ...(header.length ? [{ type: 'header', parameters: header }] : []),
    ...(body.length ? [{ type: 'body', parameters: body }] : []),
    ...buttons,
  ];
}
