import { Readable } from 'node:stream';
import { getAttachment } from '../../../db/queries/attachments.ts';
import { channelAndToken } from './credentials.ts';
import { getContact } from '../../../db/queries/contacts.ts';
import { getConversation } from '../../../db/queries/conversations.ts';
import { MESSAGE_COLUMNS, toMessage, type Message } from '../../../db/queries/messages.ts';
import type { Sql } from '../../../db/sql.ts';
import { publishMessage } from '../../commands/conversations/common.ts';
import type { Services } from '../../services/index.ts';
import { GraphClient, type SendResult } from './graph.ts';
import { Pump } from '../../jobs/pump.ts';
import { NO_CHANNEL_CREDENTIALS } from '../../domain/delivery-errors.ts';

export interface DeliveryOptions {
  pollMs?: number;
  /** A row `sending` for longer than this was abandoned by a crash: it becomes `unknown`. */
  leaseMs?: number;
  maxAttempts?: number;
}

async function streamToBuffer(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const MEDIA_KIND = (contentType: string) =>
  contentType.startsWith('image/') ? 'image' : contentType.startsWith('video/') ? 'video' : contentType.startsWith('audio/') ? 'audio' : 'document';

/**
 * The WhatsApp delivery worker: at most once. A row is marked `sending` (committed) before
 * the POST; only an answer that proves Meta did not take it sends it back to `queued`; a crash
 * or an answer we cannot read leaves it `sending`, and the lease turns it into `unknown` —
 * shown as "may not have been delivered" until a status webhook carrying our id settles it.
 */
export class WhatsappDelivery {
  private unsubscribe: (() => void) | null = null;
  private graph: GraphClient;
  private pump: Pump;

  constructor(private s: Services, private options: DeliveryOptions = {}) {
    this.graph = new GraphClient(s.env.WHATSAPP_GRAPH_URL);
    this.pump = new Pump(() => this.cycle(), (err) => s.log.warn({ err }, 'WhatsApp delivery cycle failed; will retry'));
  }

  start(): void {
    this.unsubscribe = this.s.bus.subscribe((e) => {
      if (e.type === 'message.created' && e.data.status === 'queued') this.wake();
    });
    this.pump.start(this.options.pollMs ?? 2_000);
  }

  wake(): void {
    this.pump.wake();
  }


  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.pump.stop();
  }

  private async cycle(): Promise<void> {
    await this.expireLeases();
    for (;;) {
      const batch = await this.claim(this.s.sql);
      if (batch.length === 0) return;
      for (const m of batch) {
        if (this.pump.stopped) return;
        await this.deliver(m);
      }
    }
  }

  private async expireLeases(): Promise<void> {
    const rows = await this.s.sql.unsafe(
      `UPDATE messages SET status = 'unknown' WHERE status = 'sending' AND sending_started_at < now() - $1::int * interval '1 millisecond'
       RETURNING ${MESSAGE_COLUMNS}`,
      [this.options.leaseMs ?? 120_000],
    );
    for (const r of rows) await this.publish(toMessage(r));
  }

  /** The oldest queued message of each conversation with nothing in flight: order per conversation holds. */
  private async claim(sql: Sql): Promise<Message[]> {
    const rows = await sql.unsafe(
      `WITH candidates AS (
         SELECT DISTINCT ON (m.conversation_id) m.id, m.next_attempt_at
         FROM messages m JOIN channels c ON c.org_id = m.org_id AND c.id = m.channel_id
         WHERE m.status = 'queued' AND m.direction = 'out' AND c.kind = 'whatsapp'
           AND NOT EXISTS (SELECT 1 FROM messages f WHERE f.org_id = m.org_id AND f.conversation_id = m.conversation_id AND f.status = 'sending')
         ORDER BY m.conversation_id, m.created_at, m.id)
       UPDATE messages SET status = 'sending', sending_started_at = now(), attempts = attempts + 1
       WHERE id IN (
         SELECT m.id FROM messages m JOIN candidates USING (id)
         WHERE m.status = 'queued' AND (candidates.next_attempt_at IS NULL OR candidates.next_attempt_at <= now())
         ORDER BY m.created_at LIMIT 10 FOR UPDATE OF m SKIP LOCKED)
       RETURNING ${MESSAGE_COLUMNS}, attempts`,
    );
    return rows.map(toMessage);
  }

  private async buildBody(m: Message, phoneNumberId: string, token: string): Promise<Record<string, unknown> | { error: string }> {
    const conversation = (await getConversation(this.s.sql, m.orgId, m.conversationId))!;
    const contact = (await getContact(this.s.sql, m.orgId, conversation.contactId))!;
    if (!contact.whatsapp) return { error: 'The contact has no WhatsApp number.' };
    const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: contact.whatsapp, biz_opaque_callback_data: m.id };
    if (m.kind === 'template' && m.templateId) {
      const [t] = await this.s.sql`SELECT name, language FROM templates WHERE org_id = ${m.orgId} AND id = ${m.templateId}`;
      const params = m.templateParams ?? [];
      return {
        ...base,
        type: 'template',
        template: {
          name: t!.name,
          language: { code: t!.language },
          components: params.length ? [{ type: 'body', parameters: params.map((text) => ({ type: 'text', text })) }] : [],
        },
      };
    }
    if (m.attachmentId) {
      const a = await getAttachment(this.s.sql, m.orgId, m.attachmentId);
      if (!a) return { error: 'The attachment no longer exists.' };
      const bytes = await streamToBuffer(this.s.storage.get(a.storageKey));
      const mediaId = await this.graph.uploadMedia(phoneNumberId, token, { bytes, contentType: a.contentType, filename: a.filename });
      const kind = MEDIA_KIND(a.contentType);
      const caption = m.wireText && kind !== 'audio' ? { caption: m.wireText } : {};
      return { ...base, type: kind, [kind]: { id: mediaId, ...caption, ...(kind === 'document' ? { filename: a.filename } : {}) } };
    }
    return { ...base, type: 'text', text: { preview_url: false, body: m.wireText ?? m.text } };
  }

  private async deliver(m: Message): Promise<void> {
    // The environment's token only for the environment's channel, never for one an admin made.
    const { channel, token } = await channelAndToken(this.s, m.orgId, m.channelId);
    let result: SendResult;
    if (!channel?.phoneNumberId || !token) {
      result = { kind: 'failed', code: null, title: NO_CHANNEL_CREDENTIALS };
    } else {
      try {
        const body = await this.buildBody(m, channel.phoneNumberId, token);
        result = 'error' in body ? { kind: 'failed', code: null, title: String(body.error) } : await this.graph.sendMessage(channel.phoneNumberId, token, body);
      } catch (err) {
        // Preparing (reading the file, uploading media) failed before the message itself was sent.
        result = { kind: 'retry', code: null, title: err instanceof Error ? err.message : String(err) };
      }
    }
    await this.record(m, result);
  }

  private async record(m: Message, r: SendResult): Promise<void> {
    const attempts = (m as Message & { attempts?: number }).attempts ?? 1;
    let rows;
    if (r.kind === 'accepted') {
      // A status webhook may have settled the row already (found by our id): never move it back.
      rows = await this.s.sql.unsafe(
        `UPDATE messages SET channel_message_id = coalesce(channel_message_id, $2),
           status = CASE WHEN status IN ('sending', 'unknown') THEN 'sent' ELSE status END, sent_at = coalesce(sent_at, now())
         WHERE id = $1 RETURNING ${MESSAGE_COLUMNS}`,
        [m.id, r.wamid],
      );
    } else if (r.kind === 'retry' && attempts < (this.options.maxAttempts ?? 10)) {
      const backoffMs = Math.min(300_000, 1_000 * 2 ** attempts);
      rows = await this.s.sql.unsafe(
        `UPDATE messages SET status = 'queued', next_attempt_at = now() + $2::int * interval '1 millisecond', error_code = $3, error_title = $4
         WHERE id = $1 AND status = 'sending' RETURNING ${MESSAGE_COLUMNS}`,
        [m.id, backoffMs, r.code, r.title],
      );
    } else if (r.kind === 'unknown') {
      rows = await this.s.sql.unsafe(`UPDATE messages SET status = 'unknown', error_title = $2 WHERE id = $1 AND status = 'sending' RETURNING ${MESSAGE_COLUMNS}`, [m.id, r.title]);
    } else {
      rows = await this.s.sql.unsafe(
        `UPDATE messages SET status = 'failed', failed_at = now(), error_code = $2, error_title = $3 WHERE id = $1 AND status = 'sending' RETURNING ${MESSAGE_COLUMNS}`,
        [m.id, r.code, r.title],
      );
    }
    if (rows[0]) await this.publish(toMessage(rows[0]));
  }

  private async publish(m: Message): Promise<void> {
    const conversation = await getConversation(this.s.sql, m.orgId, m.conversationId);
    if (conversation) await publishMessage(this.s, this.s.sql, conversation, m, 'message.status');
  }
}
