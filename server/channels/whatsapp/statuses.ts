import { lockOutboundForStatus, setOutboundStatus } from '../../../db/queries/deliveries.ts';
import type { Channel } from '../../../db/queries/channels.ts';
import { getConversation } from '../../../db/queries/conversations.ts';
import { runTx } from '../../../db/sql.ts';
import { advanceStatus } from '../../domain/messages.ts';
import { publishMessage } from '../../commands/conversations/common.ts';
import type { Services } from '../../services/index.ts';
import { countDelivery } from '../../services/metrics.ts';
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
    const message = await lockOutboundForStatus(tx, channel, st.wamid, ours);
    if (!message) return false;
    const next = advanceStatus(message.status, st.status);
    if (next === message.status && message.channelMessageId) return true;
    const updated = await setOutboundStatus(tx, message, next, { at: st.at, channelMessageId: st.wamid, error: st.error });
    if (next !== message.status) countDelivery(s.metrics, tx, 'whatsapp', next);
    const conversation = (await getConversation(tx, channel.orgId, message.conversationId))!;
    await publishMessage(s, tx, conversation, updated, 'message.status');
    return true;
  });
}
