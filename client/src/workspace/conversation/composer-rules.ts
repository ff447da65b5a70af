/**
 * The composer's rules as pure functions. The server enforces every one of them (window,
 * assignment, template parameters, file types); the composer uses these to say *why* before
 * the agent types, and shows the server's sentence when it refuses anyway.
 */

import { ATTACHMENT_TYPES } from '../../../../shared/attachments.ts';

/** What the composer needs to know about the conversation. */
export interface ComposerFacts {
  status: string;
  channelKind: string;
  canWrite: boolean;
  canClaim: boolean;
  /** Automatic routing offers it to me: Accept (not Claim) takes it. */
  canAccept?: boolean;
  /** The server's answer (conversations.get): the same one `send` applies. */
  window:
    | { open: true; closesAt: string | null }
    | { open: false; reason?: 'never_opened' | 'expired' | 'awaiting_reply'; closedAt: string | null };
}

export type FreeTextBlock =
  | 'closed' // the conversation is finished
  | 'waiting' // nobody serves it yet: claim first (a template from Waiting claims it)
  | 'offered' // offered to me by automatic routing: accept it first
  | 'readOnly' // someone else serves it (peek)
  | 'windowNeverOpened' // WhatsApp: the contact never wrote on this number (or only templates went out)
  | 'windowExpired' // WhatsApp: more than 24 h since the contact's last message
  | 'awaitingReply'; // WhatsApp: a template went out after the contact's last message; only their reply reopens it

const CLOSED_WINDOW: Record<'never_opened' | 'expired' | 'awaiting_reply', FreeTextBlock> = {
  never_opened: 'windowNeverOpened',
  expired: 'windowExpired',
  awaiting_reply: 'awaitingReply',
};

export type FreeText = { allowed: true } | { allowed: false; reason: FreeTextBlock };

/** May the agent type a free-form message (or attach a file) now, and if not, why. */
export function freeText(f: ComposerFacts): FreeText {
  if (f.status === 'closed') return { allowed: false, reason: 'closed' };
  if (!f.canWrite) {
    if (f.status !== 'waiting') return { allowed: false, reason: 'readOnly' };
    if (f.canAccept) return { allowed: false, reason: 'offered' };
    return { allowed: false, reason: f.canClaim ? 'waiting' : 'readOnly' };
  }
  if (!f.window.open) return { allowed: false, reason: CLOSED_WINDOW[f.window.reason ?? 'never_opened'] };
  return { allowed: true };
}

/**
 * Templates are the way out of a closed window, and from Waiting they claim the conversation
 * (SPEC §6). Only WhatsApp has templates.
 */
export function templatesOffered(f: ComposerFacts): boolean {
  if (f.channelKind !== 'whatsapp' || f.status === 'closed') return false;
  if (f.canWrite) return !f.window.open;
  return f.status === 'waiting' && f.canClaim;
}

/** Meta's limits on a template body parameter (the server checks count and emptiness too). */
const TEMPLATE_PARAM_MAX = 1024;
export type ParamProblem = 'required' | 'tooLong' | 'lineBreak';

/** One problem per field (null when the field is fine); `ok` when the template may be sent. */
export function checkTemplateParams(paramCount: number, values: readonly string[]): { ok: boolean; problems: (ParamProblem | null)[] } {
  const problems: (ParamProblem | null)[] = [];
  for (let i = 0; i < paramCount; i++) {
    const v = values[i] ?? '';
    if (!v.trim()) problems.push('required');
    else if (v.length > TEMPLATE_PARAM_MAX) problems.push('tooLong');
    else if (/[\n\t]/.test(v)) problems.push('lineBreak');
    else problems.push(null);
  }
  return { ok: problems.every((p) => p === null), problems };
}

/** Fills `{{1}}`, `{{2}}` … of a template body for the preview (blank ones stay visible). */
export function previewTemplate(body: string, values: readonly string[]): string {
  return body.replace(/\{\{(\d+)\}\}/g, (m, n: string) => {
    const v = values[Number(n) - 1];
    return v?.trim() ? v : m;
  });
}

/**
 * Typing `/` at the start of the box searches canned responses: `/pre` → "pre". Anything
 * with a space after the word is ordinary text again.
 */
export function cannedQuery(text: string): string | null {
  const m = /^\/(\S*)$/.exec(text);
  return m ? m[1]!.toLowerCase() : null;
}

export interface CannedOption {
  id: string;
  shortcut: string;
  title: string;
  body: string;
}

/** Best first: exact shortcut, then shortcut prefix, then shortcut/title/body containing the query. */
export function rankCanned<T extends CannedOption>(list: readonly T[], query: string): T[] {
  const q = query.toLowerCase();
  const score = (c: T): number => {
    const s = c.shortcut.toLowerCase();
    if (!q) return 3;
    if (s === q) return 0;
    if (s.startsWith(q)) return 1;
    if (s.includes(q) || c.title.toLowerCase().includes(q)) return 2;
    if (c.body.toLowerCase().includes(q)) return 3;
    return -1;
  };
  return list
    .map((c) => ({ c, s: score(c) }))
    .filter((x) => x.s >= 0)
    .sort((a, b) => a.s - b.s || a.c.shortcut.localeCompare(b.c.shortcut))
    .map((x) => x.c);
}

/** Types the server accepts at /uploads (one list, shared with the server). */
export { ATTACHMENT_TYPES };
const ATTACHMENT_MAX_BYTES = 16 * 1024 * 1024;

export type AttachmentBlock = FreeTextBlock | 'badType' | 'tooLarge' | 'empty';

/** May this file be attached now (the same window as free text, then type and size). */
export function attachmentAllowed(
  f: ComposerFacts,
  file: { type: string; size: number },
): { allowed: true } | { allowed: false; reason: AttachmentBlock } {
  const text = freeText(f);
  if (!text.allowed) return text;
  if (!(ATTACHMENT_TYPES as readonly string[]).includes(file.type)) return { allowed: false, reason: 'badType' };
  if (file.size === 0) return { allowed: false, reason: 'empty' };
  if (file.size > ATTACHMENT_MAX_BYTES) return { allowed: false, reason: 'tooLarge' };
  return { allowed: true };
}

/** Enter sends, Shift+Enter (or IME composition) is a new line. */
export function keySends(e: {
  key: string;
  shiftKey: boolean;
  isComposing?: boolean;
  altKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
}): boolean {
  return e.key === 'Enter' && !e.shiftKey && !e.isComposing && !e.altKey;
}

/** Text worth sending (not only blanks). */
export function sendable(text: string, attachmentId: string | null): boolean {
  return text.trim().length > 0 || attachmentId !== null;
}
