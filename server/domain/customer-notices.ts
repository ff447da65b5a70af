import type { WindowState } from './whatsapp-window.ts';

/** What the customer may be told as the conversation moves: queued in a team, or an agent joined. */
export type CustomerNotice =
  | { kind: 'queued'; team: string; position: number | null }
  /** `agent`: the name the customer may see (null when the organization does not identify agents). */
  | { kind: 'joined'; agent: string | null };

export interface NoticeSettings {
  notifyQueue: boolean;
  notifyJoined: boolean;
}

/**
 * Whether a notice goes to the customer as an automatic message, and which sentence: on
 * WhatsApp only (the web chat widget shows its own lines from the conversation), when the
 * organization turned that notice on, and inside the 24-hour window — a notice is a bot
 * message, never a template, so outside the window nothing is sent.
 */
export function customerNoticeMessage(
  channelKind: string,
  settings: NoticeSettings,
  window: WindowState,
  notice: CustomerNotice,
): { key: 'conv.queuedNotice' | 'conv.joinedNotice' | 'conv.joinedNoticeAnonymous'; params: Record<string, string | number> } | null {
  if (channelKind !== 'whatsapp' || !window.open) return null;
  if (notice.kind === 'queued') {
    if (!settings.notifyQueue) return null;
    return { key: 'conv.queuedNotice', params: { team: notice.team, position: notice.position ?? 1 } };
  }
  if (!settings.notifyJoined) return null;
  return notice.agent ? { key: 'conv.joinedNotice', params: { name: notice.agent } } : { key: 'conv.joinedNoticeAnonymous', params: {} };
}
