import { MESSAGE_COLUMNS, toMessage } from '../../../db/queries/messages.ts';
import type { Channel } from '../../../db/queries/channels.ts';
import { getConversation } from '../../../db/queries/conversations.ts';
import { runTx } from '../../../db/sql.ts';
import { advanceStatus } from '../../domain/messages.ts';
import { publishMessage } from '../../commands/conversations/common.ts';
import type { Services } from '../../services/index.ts';
import type { ParsedStatus } from './parse.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Settles an outbound row from a status webhook. Statuses arrive out of order and repeated:
 * they only ever move a row forward. A row left `unknown` by a crash (no wamid recorded) is
 * found by our id, which we sent as biz_opaque_callback_data.
 */
export async function applyStatus(s: Services, channel: Channel, st: ParsedStatus): Promise<boolean> {
  return runTx(s.sql, async (tx) => {
    const ours = st.ourMessageId && UUID.test(st.ourMessageId) ? st.ourMessageId : null;
    const rows = await tx.unsafe(
      `SELECT ${MESSAGE_COLUMNS} FROM messages
       WHERE org_id = $1 AND channel_id = $2 AND direction = 'out'
         AND (channel_message_id = $3 OR (id = $4::uuid AND channel_message_id IS NULL))
       ORDER BY (channel_message_id = $3) DESC NULLS LAST LIMIT 1 FOR UPDATE`,
      [channel.orgId, channel.id, st.wamid, ours],
    );
    if (!rows[0]) return false;
    const message = toMessage(rows[0]);
    const next = advanceStatus(message.status, st.status);
    if (next === message.status && message.channelMessageId) return true;
    const updated = await tx.unsafe(
      `UPDATE messages SET status = $3, channel_message_id = coalesce(channel_message_id, $4),
         sent_at = CASE WHEN $3 IN ('sent', 'delivered', 'read') THEN coalesce(sent_at, $5) ELSE sent_at END,
         delivered_at = CASE WHEN $3 IN ('delivered', 'read') THEN coalesce(delivered_at, $5) ELSE delivered_at END,
         read_at = CASE WHEN $3 = 'read' THEN coalesce(read_at, $5) ELSE read_at END,
         failed_at = CASE WHEN $3 = 'failed' THEN coalesce(failed_at, $5) ELSE failed_at END,
         error_code = CASE WHEN $3 = 'failed' THEN $6 ELSE error_code END,
         error_title = CASE WHEN $3 = 'failed' THEN $7 ELSE error_title END
       WHERE org_id = $1 AND id = $2 RETURNING ${MESSAGE_COLUMNS}`,
      [channel.orgId, message.id, next, st.wamid, st.at, st.error?.code ?? null, st.error?.title ?? null] as never[],
    );
    const conversation = (await getConversation(tx, channel.orgId, message.conversationId))!;
    await publishMessage(s, tx, conversation, toMessage(updated[0]!), 'message.status');
    return true;
  });
}
