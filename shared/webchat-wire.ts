/**
 * The web chat's wire contract: what /webchat/* answers and what GET /webchat/stream sends,
 * as both sides see it (server/channels/webchat/, client/widget/). Types, and two constants
 * the widget would otherwise restate, so its bundle does not grow.
 */

/** A message as the visitor's widget shows it. */
export interface WebchatMessage {
  id: string;
  conversationId: string;
  /** `in`: written by the visitor; `out`: by an agent or the bot. */
  direction: 'in' | 'out';
  kind: string;
  text: string;
  /** The agent's name as the customer sees it (from what was fixed when the row was written). */
  author: string | null;
  isBot: boolean;
  /**
   * `noOneAvailable`: the bot's "nobody in the team is available" message, shown as a notice;
   * `ratingRequest`: the request for a rating after the conversation was finished (the
   * widget offers 1–5 star buttons for the newest one).
   */
  notice: 'noOneAvailable' | 'ratingRequest' | null;
  /** The visitor's answer to the bot's menu: the chosen option's name ("Support" for "1"). */
  menuChoice: string | null;
  status: string;
  /** The widget's own id for a message the visitor wrote (reconciles a retried send). */
  clientMessageId: string | null;
  attachment: { id: string; filename: string; contentType: string; size: number; url: string } | null;
  at: string;
  /** Display order: the order the server stored the messages in (`at` may tie). */
  seq: number;
}

/** The visitor's latest conversation (db/queries/webchat.ts CurrentConversation has this shape). */
export interface WebchatConversation {
  id: string;
  protocol: string;
  status: 'bot' | 'waiting' | 'active' | 'closed';
  /** In a team's queue: the team's name, after the visitor's message `afterSeq`. */
  queued: { team: string | null; afterSeq: number } | null;
  /** Claimed: the agent's name when the organization shows it, after message `afterSeq`. */
  joined: { agent: string | null; afterSeq: number } | null;
}

/** GET /webchat/channel: what the widget and its launcher show before any session. */
export interface ChannelProfile {
  channel: { id: string; name: string };
  organization: { name: string; brandColor: string | null };
  /** The bot menu's options (key and label, never the team), to offer them as buttons. */
  menu: { key: string; label: string }[];
  /** The bot's "no one available" sentence, shown to the visitor as a notice. */
  noOneAvailableMessage: string;
  /**
   * The origins that may embed the widget (empty = any site). The widget exchanges the
   * visitor's session with its embedding page only when that page's origin is one of them.
   */
  allowedSites: string[];
}

/** POST /webchat/session. */
export interface SessionAnswer {
  visitorToken: string;
  visitorId: string;
  channel: { id: string; name: string };
}

/**
 * GET /webchat/messages: the newest page of messages (or the page after `after`, or just older
 * than `before`), and the conversation's state.
 */
export interface MessagesAnswer {
  messages: WebchatMessage[];
  cursor: string | null;
  more: boolean;
  /** Older messages exist before this page (the newest page, or a page asked with `before`). */
  older: boolean;
  conversation: WebchatConversation | null;
}

/** POST /webchat/messages (`duplicate`: a retried send, stored once). */
export interface SendAnswer {
  message: WebchatMessage;
  duplicate: boolean;
}

/** POST /webchat/read: the ids of the messages that became read. */
export interface ReadAnswer {
  read: string[];
}

/** POST /webchat/upload. */
export interface UploadAnswer {
  attachmentId: string;
  filename: string;
  contentType: string;
  size: number;
  url: string;
}

/** The events of GET /webchat/stream (server-sent events) and what each one carries. */
export interface WebchatStreamEvents {
  /** The stream is live: the widget fetches the messages (covers whatever happened while away). */
  ready: { visitorId: string };
  message: WebchatMessage;
  conversation: WebchatConversation;
  /** The token is no longer valid or the channel stopped: do not reconnect. */
  end: { reason?: string };
}
export type WebchatStreamEvent = keyof WebchatStreamEvents;

/** A channel id as the widget's address carries it (`/widget?channel=`): a UUID. */
export const CHANNEL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The widget's strings, put by the server into the widget page as a JSON block with this id
 * (server/channels/webchat/widget.ts), read by client/widget/strings.ts.
 */
export const STRINGS_ELEMENT_ID = 'atende-strings';
export interface WidgetStrings {
  languages: string[];
  defaultLanguage: string;
  strings: Record<string, Record<string, string>>;
}
