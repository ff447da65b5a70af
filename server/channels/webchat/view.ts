import type { VisitorMessageRow } from '../../../db/queries/webchat.ts';
import type { WebchatMessage } from '../../../shared/webchat-wire.ts';

/** A message as the visitor's widget shows it (the wire type, shared with the widget). */
export type VisitorMessageView = WebchatMessage;

/**
 * Splits "Ana: text" (what the customer receives) into the agent's label and the text; the
 * label is a name, never markup ("*Ana:* text", WhatsApp's form, gives "Ana" too).
 */
function authorOf(row: VisitorMessageRow): { author: string | null; text: string } {
  if (row.direction === 'in' || row.isBot) return { author: null, text: row.wireText ?? row.text };
  const wire = row.wireText ?? row.text;
  const bold = /^\*([^*\n]+):\* /u.exec(wire);
  if (row.text && bold && wire.slice(bold[0].length) === row.text && bold[1]!.length <= 100)
    return { author: bold[1]!.trim(), text: row.text };
  if (row.text && wire !== row.text && wire.endsWith(`: ${row.text}`)) {
    const label = wire.slice(0, wire.length - row.text.length - 2);
    if (label && !label.includes('\n') && label.length <= 100) return { author: label, text: row.text };
  }
  // An attachment with no caption carries no label; name the agent when the org does.
  if (!row.text && wire === '') return { author: row.authorLabel, text: '' };
  return { author: null, text: wire };
}

export function visitorView(row: VisitorMessageRow, visitorId: string): VisitorMessageView {
  const { author, text } = authorOf(row);
  const prefix = `webchat:${visitorId}:`;
  return {
    id: row.id,
    conversationId: row.conversationId,
    direction: row.direction,
    kind: row.kind,
    text,
    author,
    isBot: row.isBot,
    notice: row.notice === 'no_one_available' ? 'noOneAvailable' : row.notice === 'rating_request' ? 'ratingRequest' : null,
    menuChoice: row.menuLabel,
    status: row.status,
    clientMessageId: row.direction === 'in' && row.channelMessageId?.startsWith(prefix) ? row.channelMessageId.slice(prefix.length) : null,
    attachment: row.attachment ? { ...row.attachment, url: `/webchat/files/${row.attachment.id}` } : null,
    at: row.at.toISOString(),
    seq: row.seq,
  };
}
