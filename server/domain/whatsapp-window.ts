/**
 * WhatsApp's customer-service window (Meta's rule, see notes/whatsapp-cloud-api.md): free-form
 * messages only within 24 hours of the contact's last inbound message, measured by Meta's
 * timestamp. A template never opens it. Other channels have no window.
 */
export const WINDOW_MS = 24 * 60 * 60 * 1000;

export type WindowState =
  | { open: true; closesAt: Date | null }
  | { open: false; reason: 'never_opened' | 'expired'; closedAt: Date | null };

export function windowState(channelKind: string, lastInboundAt: Date | null, now: Date): WindowState {
  if (channelKind !== 'whatsapp') return { open: true, closesAt: null };
  if (!lastInboundAt) return { open: false, reason: 'never_opened', closedAt: null };
  const closesAt = new Date(lastInboundAt.getTime() + WINDOW_MS);
  return now.getTime() < closesAt.getTime() ? { open: true, closesAt } : { open: false, reason: 'expired', closedAt: closesAt };
}
