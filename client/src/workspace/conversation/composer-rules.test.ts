import { describe, expect, it } from 'vitest';
import {
  attachmentAllowed,
  cannedQuery,
  checkTemplateParams,
  freeText,
  keySends,
  previewTemplate,
  rankCanned,
  sendable,
  templatesOffered,
  type ComposerFacts,
} from './composer-rules.ts';

const open = { open: true, closesAt: null } as const;
const facts = (over: Partial<ComposerFacts> = {}): ComposerFacts => ({
  status: 'active',
  channelKind: 'whatsapp',
  canWrite: true,
  canClaim: false,
  window: { open: true, closesAt: '2026-01-02T10:00:00Z' },
  ...over,
});

describe('free text', () => {
  it('is allowed to the serving agent inside the window, on any channel', () => {
    expect(freeText(facts())).toEqual({ allowed: true });
    expect(freeText(facts({ channelKind: 'webchat', window: open }))).toEqual({ allowed: true });
  });
  it('says why not: closed window (expired or never opened), waiting, peeking, finished', () => {
    expect(freeText(facts({ window: { open: false, reason: 'expired', closedAt: '2026-01-01T00:00:00Z' } }))).toEqual({
      allowed: false,
      reason: 'windowExpired',
    });
    expect(freeText(facts({ window: { open: false, reason: 'never_opened', closedAt: null } }))).toEqual({
      allowed: false,
      reason: 'windowNeverOpened',
    });
    expect(freeText(facts({ window: { open: false, reason: 'awaiting_reply', closedAt: null } }))).toEqual({
      allowed: false,
      reason: 'awaitingReply',
    });
    expect(freeText(facts({ status: 'waiting', canWrite: false, canClaim: true }))).toEqual({ allowed: false, reason: 'waiting' });
    expect(freeText(facts({ canWrite: false }))).toEqual({ allowed: false, reason: 'readOnly' });
    expect(freeText(facts({ status: 'closed', canWrite: false }))).toEqual({ allowed: false, reason: 'closed' });
  });
  it('says to accept, not claim, a conversation automatic routing offers to me', () => {
    expect(freeText(facts({ status: 'waiting', canWrite: false, canClaim: true, canAccept: true }))).toEqual({
      allowed: false,
      reason: 'offered',
    });
    // Once it is mine the offer is over: the usual rules.
    expect(freeText(facts({ canAccept: false }))).toEqual({ allowed: true });
  });
  it('offers templates on WhatsApp when the window is closed, and from Waiting (which claims)', () => {
    expect(templatesOffered(facts())).toBe(false);
    expect(templatesOffered(facts({ window: { open: false, reason: 'expired', closedAt: null } }))).toBe(true);
    expect(templatesOffered(facts({ status: 'waiting', canWrite: false, canClaim: true }))).toBe(true);
    expect(templatesOffered(facts({ canWrite: false }))).toBe(false);
    expect(templatesOffered(facts({ channelKind: 'webchat', status: 'waiting', canWrite: false, canClaim: true }))).toBe(false);
    expect(templatesOffered(facts({ status: 'closed', canWrite: false, window: { open: false, closedAt: null } }))).toBe(false);
  });
});

describe('template parameters', () => {
  it('needs one non-blank value per parameter, within Meta limits', () => {
    expect(checkTemplateParams(2, ['Ana', '42'])).toEqual({ ok: true, problems: [null, null] });
    expect(checkTemplateParams(2, ['Ana'])).toEqual({ ok: false, problems: [null, 'required'] });
    expect(checkTemplateParams(2, ['  ', 'x'])).toEqual({ ok: false, problems: ['required', null] });
    expect(checkTemplateParams(1, ['a\nb']).problems).toEqual(['lineBreak']);
    expect(checkTemplateParams(1, ['x'.repeat(1025)]).problems).toEqual(['tooLong']);
    expect(checkTemplateParams(0, [])).toEqual({ ok: true, problems: [] });
  });
  it('previews the body with the values typed so far', () => {
    expect(previewTemplate('Hello {{1}}, order {{2}}.', ['Ana', ''])).toBe('Hello Ana, order {{2}}.');
  });
});

describe('canned responses', () => {
  const list = [
    { id: '1', shortcut: 'thanks', title: 'Thank you', body: 'Thanks for writing' },
    { id: '2', shortcut: 'hours', title: 'Opening hours', body: 'We open at 8' },
    { id: '3', shortcut: 'th', title: 'Short', body: 'x' },
    { id: '4', shortcut: 'bye', title: 'Goodbye', body: 'See you, thanks!' },
  ];
  it('searches when the box starts with / and holds one word', () => {
    expect(cannedQuery('/')).toBe('');
    expect(cannedQuery('/Th')).toBe('th');
    expect(cannedQuery('/th more')).toBeNull();
    expect(cannedQuery('hello /th')).toBeNull();
  });
  it('ranks exact shortcut, then prefix, then title, then body', () => {
    expect(rankCanned(list, 'th').map((c) => c.id)).toEqual(['3', '1', '4']);
    expect(rankCanned(list, 'hour').map((c) => c.id)).toEqual(['2']);
    expect(rankCanned(list, 'zzz')).toEqual([]);
    expect(rankCanned(list, '').length).toBe(4);
  });
});

describe('attachments', () => {
  it('follow the window and the server’s types and size', () => {
    expect(attachmentAllowed(facts(), { type: 'image/png', size: 10 })).toEqual({ allowed: true });
    expect(
      attachmentAllowed(facts({ window: { open: false, reason: 'expired', closedAt: null } }), { type: 'image/png', size: 10 }),
    ).toEqual({ allowed: false, reason: 'windowExpired' });
    expect(attachmentAllowed(facts(), { type: 'application/x-msdownload', size: 10 })).toEqual({ allowed: false, reason: 'badType' });
    expect(attachmentAllowed(facts(), { type: 'application/pdf', size: 17 * 1024 * 1024 })).toEqual({ allowed: false, reason: 'tooLarge' });
    expect(attachmentAllowed(facts(), { type: 'application/pdf', size: 0 })).toEqual({ allowed: false, reason: 'empty' });
  });
});

describe('keyboard', () => {
  it('Enter sends, Shift+Enter and IME composition do not', () => {
    expect(keySends({ key: 'Enter', shiftKey: false })).toBe(true);
    expect(keySends({ key: 'Enter', shiftKey: true })).toBe(false);
    expect(keySends({ key: 'Enter', shiftKey: false, isComposing: true })).toBe(false);
    expect(keySends({ key: 'a', shiftKey: false })).toBe(false);
  });
  it('sends text or an attachment, never blanks', () => {
    expect(sendable('  ', null)).toBe(false);
    expect(sendable(' hi ', null)).toBe(true);
    expect(sendable('', 'att')).toBe(true);
  });
});
