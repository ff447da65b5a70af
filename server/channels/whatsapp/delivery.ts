import type { Readable } from 'node:stream';
import { getAttachment } from '../../../db/queries/attachments.ts';
import { channelAndToken } from './credentials.ts';
import { getContact } from '../../../db/queries/contacts.ts';
import { getConversation } from '../../../db/queries/conversations.ts';
import { templates } from '../../../db/queries/config.ts';
import { templateComponents } from '../../../db/queries/template-sync.ts';
import { sendComponents } from '../../domain/whatsapp-templates.ts';
import { expireLeases, leaseWhatsappBatch, markFailed, markUnknown, recordAccepted, requeueAfter } from '../../../db/queries/deliveries.ts';
import type { Message } from '../../../db/queries/messages.ts';
import { publishMessage } from '../../commands/conversations/common.ts';
import type { Services } from '../../services/index.ts';
import { countDelivery, timeGraphSend } from '../../services/metrics.ts';
import { GraphClient, type SendResult } from './graph.ts';
import { OutboundWorker } from '../outbound-worker.ts';
import { NO_CHANNEL_CREDENTIALS } from '../../domain/delivery-errors.ts';

export interface DeliveryOptions {
  pollMs?: number;
  /** A row `sending` for longer than this was abandoned by a crash: it becomes `unknown`. */
  leaseMs?: number;
  maxAttempts?: number;
}

/** A message leased for sending, with how many times it has been leased (this one included). */
type Leased = Message & { attempts: number };

async function streamToBuffer(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const MEDIA_KIND = (contentType: string) =>
  contentType.startsWith('image/')
    ? 'image'
    : contentType.startsWith('video/')
      ? 'video'
      : contentType.startsWith('audio/')
        ? 'audio'
        : 'document';

/**
 * The WhatsApp delivery worker: at most once. A row is marked `sending` (committed) before
 * the POST; only an answer that proves Meta did not take it sends it back to `queued`; a crash
 * or an answer we cannot read leaves it `sending`, and the lease turns it into `unknown` —
 * shown as "may not have been delivered" until a status webhook carrying our id settles it.
 */
export class WhatsappDelivery extends OutboundWorker {
  private graph: GraphClient;

  constructor(
    s: Services,
    private options: DeliveryOptions = {},
  ) {
    super(s, options.pollMs ?? 2_000, 'WhatsApp delivery');
    this.graph = new GraphClient(s.env.WHATSAPP_GRAPH_URL);
  }

  protected async cycle(): Promise<void> {
    for (const m of await expireLeases(this.s.sql, this.options.leaseMs ?? 120_000)) {
      countDelivery(this.s.metrics, this.s.sql, 'whatsapp', 'unknown');
      await this.publish(m);
    }
    // Stopping (a drain): no new lease; a leased batch is sent in full, since a lease left
    // `sending` would turn `unknown` and never be sent (another process takes what is queued).
    while (!this.pump.stopped) {
      const batch = await leaseWhatsappBatch(this.s.sql, 10);
      if (batch.length === 0) return;
      for (const m of batch) await this.deliver(m);
    }
  }

  private async buildBody(m: Message, phoneNumberId: string, token: string): Promise<Record<string, unknown> | { error: string }> {
    const conversation = (await getConversation(this.s.sql, m.orgId, m.conversationId))!;
    const contact = (await getContact(this.s.sql, m.orgId, conversation.contactId))!;
    if (!contact.whatsapp) return { error: 'The contact has no WhatsApp number.' };
    const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: contact.whatsapp, biz_opaque_callback_data: m.id };
    if (m.kind === 'template' && m.templateId) {
      const t = await templates.get(this.s.sql, m.orgId, m.templateId);
      const params = m.templateParams ?? [];
      // A template synced from Meta: header, body and button values where its components put them.
      const synced = await templateComponents(this.s.sql, m.orgId, m.templateId);
      return {
        ...base,
        type: 'template',
        template: {
          name: t!.name,
          language: { code: t!.language },
          components: synced
            ? sendComponents(synced.components, synced.parameterFormat, params)
            : params.length
              ? [{ type: 'body', parameters: params.map((text) => ({ type: 'text', text })) }]
              : [],
        },
      };
    }
    if (m.attachmentId) {
      const a = await getAttachment(this.s.sql, m.orgId, m.attachmentId);
      if (!a) return { error: 'The attachment no longer exists.' };
      const bytes = await streamToBuffer(await this.s.storage.get(a.storageKey));
      const mediaId = await this.graph.uploadMedia(phoneNumberId, token, { bytes, contentType: a.contentType, filename: a.filename });
      const kind = MEDIA_KIND(a.contentType);
      const caption = m.wireText && kind !== 'audio' ? { caption: m.wireText } : {};
      return { ...base, type: kind, [kind]: { id: mediaId, ...caption, ...(kind === 'document' ? { filename: a.filename } : {}) } };
    }
    return { ...base, type: 'text', text: { preview_url: false, body: m.wireText ?? m.text } };
  }

  private async deliver(m: Leased): Promise<void> {
    // The environment's token only for the environment's channel, never for one an admin made.
    const { channel, token } = await channelAndToken(this.s, m.orgId, m.channelId);
    let result: SendResult;
    if (!channel?.phoneNumberId || !token) {
      result = { kind: 'failed', code: null, title: NO_CHANNEL_CREDENTIALS };
    } else {
      try {
        const body = await this.buildBody(m, channel.phoneNumberId, token);
        result =
          'error' in body
            ? { kind: 'failed', code: null, title: String(body.error) }
            : await timeGraphSend(this.s.metrics, () => this.graph.sendMessage(channel.phoneNumberId as string, token, body));
      } catch (err) {
        // Preparing (reading the file, uploading media) failed before the message itself was sent.
        result = { kind: 'retry', code: null, title: err instanceof Error ? err.message : String(err) };
      }
    }
    await this.record(m, result);
  }

  private async record(m: Leased, r: SendResult): Promise<void> {
    let settled: Message | null;
    if (r.kind === 'accepted') {
      // A status webhook may have settled the row already (found by our id): never move it back.
      settled = await recordAccepted(this.s.sql, m.id, r.wamid);
    } else if (r.kind === 'retry' && m.attempts < (this.options.maxAttempts ?? 10)) {
      const backoffMs = Math.min(300_000, 1_000 * 2 ** m.attempts);
      settled = await requeueAfter(this.s.sql, m.id, backoffMs, r);
    } else if (r.kind === 'unknown') {
      settled = await markUnknown(this.s.sql, m.id, r.title);
    } else {
      settled = await markFailed(this.s.sql, m.id, r);
    }
    // A status webhook may have moved the row on already (and counted it): only our own move counts.
    if (settled && (r.kind !== 'accepted' || settled.status === 'sent'))
      countDelivery(this.s.metrics, this.s.sql, 'whatsapp', settled.status);
    if (settled) await this.publish(settled);
  }

  private async publish(m: Message): Promise<void> {
    const conversation = await getConversation(this.s.sql, m.orgId, m.conversationId);
    if (conversation) await publishMessage(this.s, this.s.sql, conversation, m, 'message.status');
  }
}
