import { getConversation, type Conversation } from '../../../db/queries/conversations.ts';
import { lockOutbound, markWebchatSent, setOutboundStatus } from '../../../db/queries/deliveries.ts';
import type { Message } from '../../../db/queries/messages.ts';
import { runTx, type Tx } from '../../../db/sql.ts';
import { publishMessage } from '../../commands/conversations/common.ts';
import { advanceStatus } from '../../domain/messages.ts';
import type { Services } from '../../services/index.ts';
import { countDelivery } from '../../services/metrics.ts';
import { OutboundWorker } from '../outbound-worker.ts';

const BATCH = 100;

async function publishStatuses(s: Services, tx: Tx, messages: Message[]): Promise<void> {
  const conversations = new Map<string, Conversation>();
  // Publishing takes a per-organization lock until commit: always in the same order.
  const ordered = [...messages].sort((a, b) => (a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : 0));
  for (const m of ordered) {
    let c = conversations.get(m.conversationId);
    if (!c) {
      c = (await getConversation(tx, m.orgId, m.conversationId))!;
      conversations.set(c.id, c);
    }
    await publishMessage(s, tx, c, m, 'message.status');
    countDelivery(s.metrics, tx, 'webchat', m.status);
  }
}

/**
 * Moves outbound rows of the visitor's conversations forward (delivered when the widget got
 * them, read when the visitor saw them), by the one rule: statuses never go backwards.
 */
export async function advanceOutbound(s: Services, orgId: string, ids: string[], next: 'delivered' | 'read'): Promise<Message[]> {
  if (ids.length === 0) return [];
  return runTx(s.sql, async (tx) => {
    const changed: Message[] = [];
    for (const m of await lockOutbound(tx, orgId, ids)) {
      const status = advanceStatus(m.status, next);
      if (status === m.status) continue;
      changed.push(await setOutboundStatus(tx, m, status));
    }
    await publishStatuses(s, tx, changed);
    return changed;
  });
}

/**
 * The web chat side of delivery: an outbound row (agent or bot) of a web chat channel is
 * "sent" once it is stored, since the widget fetches it from here. One conditional UPDATE
 * from `queued`, so several processes never double-publish; the WhatsApp worker only takes
 * WhatsApp rows. Woken by `message.created`, with a slow poll as a safety net.
 */
export class WebchatDelivery extends OutboundWorker {
  constructor(s: Services, pollMs = 2_000) {
    super(s, pollMs, 'web chat delivery');
  }

  protected async cycle(): Promise<void> {
    for (;;) {
      if (this.pump.stopped) return;
      const moved = await runTx(this.s.sql, async (tx) => {
        const messages = await markWebchatSent(tx, BATCH);
        await publishStatuses(this.s, tx, messages);
        return messages.length;
      });
      if (moved < BATCH) return;
    }
  }
}
