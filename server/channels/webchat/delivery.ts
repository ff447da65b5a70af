import { getConversation, type Conversation } from '../../../db/queries/conversations.ts';
import { MESSAGE_COLUMNS, toMessage, type Message } from '../../../db/queries/messages.ts';
import { runTx, type Tx } from '../../../db/sql.ts';
import { publishMessage } from '../../commands/conversations/common.ts';
import { advanceStatus } from '../../domain/messages.ts';
import type { Services } from '../../services/index.ts';
import { Pump } from '../../jobs/pump.ts';

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
  }
}

/**
 * Moves outbound rows of the visitor's conversations forward (delivered when the widget got
 * them, read when the visitor saw them), by the one rule: statuses never go backwards.
 */
export async function advanceOutbound(s: Services, orgId: string, ids: string[], next: 'delivered' | 'read'): Promise<Message[]> {
  if (ids.length === 0) return [];
  return runTx(s.sql, async (tx) => {
    const rows = await tx.unsafe(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE org_id = $1 AND id = ANY($2::uuid[]) AND direction = 'out' ORDER BY created_at, id FOR UPDATE`,
      [orgId, ids] as never[],
    );
    const changed: Message[] = [];
    for (const m of rows.map(toMessage)) {
      const status = advanceStatus(m.status, next);
      if (status === m.status) continue;
      const updated = await tx.unsafe(
        `UPDATE messages SET status = $3,
           sent_at = coalesce(sent_at, now()),
           delivered_at = CASE WHEN $3 IN ('delivered', 'read') THEN coalesce(delivered_at, now()) ELSE delivered_at END,
           read_at = CASE WHEN $3 = 'read' THEN coalesce(read_at, now()) ELSE read_at END
         WHERE org_id = $1 AND id = $2 RETURNING ${MESSAGE_COLUMNS}`,
        [orgId, m.id, status],
      );
      changed.push(toMessage(updated[0]!));
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
export class WebchatDelivery {
  private unsubscribe: (() => void) | null = null;
  private pump: Pump;

  constructor(private s: Services, private pollMs = 2_000) {
    this.pump = new Pump(() => this.cycle(), (err) => s.log.warn({ err }, 'web chat delivery cycle failed; will retry'));
  }

  start(): void {
    this.unsubscribe = this.s.bus.subscribe((e) => {
      if (e.type === 'message.created' && e.data.status === 'queued') this.pump.wake();
    });
    this.pump.start(this.pollMs);
  }

  wake(): void {
    this.pump.wake();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.pump.stop();
  }

  private async cycle(): Promise<void> {
    for (;;) {
      if (this.pump.stopped) return;
      const moved = await runTx(this.s.sql, async (tx) => {
        const rows = await tx.unsafe(
          `UPDATE messages SET status = 'sent', sent_at = coalesce(sent_at, now())
           WHERE id IN (
             SELECT m.id FROM messages m JOIN channels c ON c.org_id = m.org_id AND c.id = m.channel_id
             WHERE m.status = 'queued' AND m.direction = 'out' AND c.kind = 'webchat'
             ORDER BY m.created_at LIMIT ${BATCH} FOR UPDATE OF m SKIP LOCKED)
           AND status = 'queued'
           RETURNING ${MESSAGE_COLUMNS}`,
        );
        const messages = rows.map(toMessage);
        await publishStatuses(this.s, tx, messages);
        return messages.length;
      });
      if (moved < BATCH) return;
    }
  }
}
