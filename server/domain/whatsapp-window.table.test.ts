import { describe, expect, it } from 'vitest';
import { windowState, type WindowState } from './whatsapp-window.ts';

/**
 * The 24-hour window as a table: channel × the contact's last message × the last template
 * sent → open (until when) or closed (why, since when). Written out by hand from Meta's rule,
 * not computed from the code: a template never opens the window, and one sent after the
 * contact's last message leaves only templates until they answer.
 */

const NOW = new Date('2026-03-10T12:00:00.000Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
/** A time relative to NOW, in minutes (negative: in the past). */
const at = (minutes: number | null) => (minutes === null ? null : new Date(NOW.getTime() + minutes * MIN));
const h = (hours: number) => hours * 60;

type Expected =
  | { open: true; closesAt: number | null }
  | { open: false; reason: 'never_opened' | 'expired' | 'awaiting_reply'; closedAt: number | null };
const open = (closesAt: number | null): Expected => ({ open: true, closesAt });
const closed = (reason: 'never_opened' | 'expired' | 'awaiting_reply', closedAt: number | null): Expected => ({
  open: false,
  reason,
  closedAt,
});

// [case, channel, last inbound (min from now), last template (min from now), expected (times in min from now)]
const rows: [string, string, number | null, number | null, Expected][] = [
  ['web chat has no window', 'webchat', null, null, open(null)],
  ['web chat, old message and a template', 'webchat', -h(72), -h(1), open(null)],
  ['contact never wrote', 'whatsapp', null, null, closed('never_opened', null)],
  ['contact never wrote, template sent', 'whatsapp', null, -h(1), closed('awaiting_reply', null)],
  ['wrote a minute ago', 'whatsapp', -1, null, open(h(24) - 1)],
  ['wrote 23h59m ago', 'whatsapp', -(h(23) + 59), null, open(1)],
  ['wrote exactly 24h ago', 'whatsapp', -h(24), null, closed('expired', 0)],
  ['wrote 24h01m ago', 'whatsapp', -(h(24) + 1), null, closed('expired', -1)],
  ['wrote 30h ago', 'whatsapp', -h(30), null, closed('expired', -h(6))],
  ['template after the message, window still open', 'whatsapp', -h(2), -h(1), open(h(22))],
  ['template before the message, window open', 'whatsapp', -h(2), -h(3), open(h(22))],
  ['template after the message, window expired', 'whatsapp', -h(30), -h(26), closed('awaiting_reply', -h(6))],
  ['template before the message, window expired', 'whatsapp', -h(30), -h(31), closed('expired', -h(6))],
  ['template at the same instant as the message', 'whatsapp', -h(30), -h(30), closed('expired', -h(6))],
  ['contact answered the template, window open', 'whatsapp', -5, -h(20), open(h(24) - 5)],
];

const asMinutes = (w: WindowState) =>
  w.open
    ? { open: true, closesAt: w.closesAt && (w.closesAt.getTime() - NOW.getTime()) / MIN }
    : { open: false, reason: w.reason, closedAt: w.closedAt && (w.closedAt.getTime() - NOW.getTime()) / MIN };

describe('WhatsApp window (channel × last inbound × last template)', () => {
  it.each(rows)('%s', (_case, channel, inbound, template, expected) => {
    expect(asMinutes(windowState(channel, at(inbound), at(template), NOW))).toEqual(expected);
  });

  it('closes at 24 hours, measured to the millisecond', () => {
    expect(windowState('whatsapp', new Date(NOW.getTime() - 24 * HOUR + 1), null, NOW).open).toBe(true);
    expect(windowState('whatsapp', new Date(NOW.getTime() - 24 * HOUR), null, NOW).open).toBe(false);
  });
});
