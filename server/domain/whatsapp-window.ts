/**
 * WhatsApp's customer-service window (Meta's rule, see notes/whatsapp-cloud-api.md): free-form
 * messages only within 24 hours of the contact's last inbound message, measured by Meta's
 * timestamp. A template never opens it. Other channels have no window.
 */
export const WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Why the window is closed: the contact never wrote on this number, wrote more than 24 hours
 * ago, or a template went out after their last message and they have not answered it yet
 * (`awaiting_reply`: only their reply reopens it).
 */
export type WindowClosedReason = 'never_opened' | 'expired' | 'awaiting_reply';

export type WindowState = { open: true; closesAt: Date | null } | { open: false; reason: WindowClosedReason; closedAt: Date | null };

/**
 * The one answer the conversation view, the composer and `send` share. `lastInboundAt`: the
 * contact's last message on this channel (Meta's clock); `lastTemplateAt`: the conversation's
 * last template sent.
 */
export function windowState(channelKind: string, lastInboundAt: Date | null, lastTemplateAt: Date | null, now: Date): WindowState {
  if (channelKind !== 'whatsapp') return { open: true, closesAt: null };
  const closesAt = lastInboundAt ? new Date(lastInboundAt.getTime() + WINDOW_MS) : null;
  if (closesAt && now.getTime() < closesAt.getTime()) return { open: true, closesAt };
  if (lastTemplateAt && (!lastInboundAt || lastInboundAt < lastTemplateAt))
    return { open: false, reason: 'awaiting_reply', closedAt: closesAt };
  return closesAt ? { open: false, reason: 'expired', closedAt: closesAt } : { open: false, reason: 'never_opened', closedAt: null };
}
