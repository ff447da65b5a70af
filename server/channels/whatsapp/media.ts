import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { insertAttachment } from '../../../db/queries/attachments.ts';
import { channelAndToken } from './credentials.ts';
import { getConversation } from '../../../db/queries/conversations.ts';
import { attachFetchedMedia, getMessage, leasePendingMedia, setMediaStatus } from '../../../db/queries/messages.ts';
import { publishMessage } from '../../commands/conversations/common.ts';
import type { Services } from '../../services/index.ts';
import { GraphClient, isMediaId, MediaRefused } from './graph.ts';
import { ALLOWED_TYPES } from '../../http/uploads.ts';
import { Pump } from '../../jobs/pump.ts';

const MAX_ATTEMPTS = 6;

/**
 * Fetches inbound media after the webhook has been answered: GET /<media-id>, then the URL
 * it gives (only on WHATSAPP_MEDIA_HOSTS), both with the channel's token, into attachment
 * storage, when its type is one an upload may have. Rows stay `pending` (and
 * are retried) until stored; after repeated failures they are marked `failed`.
 */
export class MediaFetcher {
  private graph: GraphClient;
  private pump: Pump;

  constructor(
    private s: Services,
    private pollMs = 15_000,
  ) {
    this.graph = new GraphClient(s.env.WHATSAPP_GRAPH_URL, { mediaHosts: s.env.WHATSAPP_MEDIA_HOSTS });
    this.pump = new Pump(
      () => this.cycle(),
      (err) => s.log.warn({ err }, 'media fetch cycle failed'),
    );
  }

  start(): void {
    this.pump.start(this.pollMs);
  }

  wake(): void {
    this.pump.wake();
  }

  stop(): Promise<void> {
    return this.pump.stop();
  }

  private async cycle(): Promise<void> {
    for (;;) {
      const rows = await leasePendingMedia(this.s.sql, 5);
      if (rows.length === 0 || this.pump.stopped) return;
      for (const r of rows) await this.fetchOne(r.orgId, r.id, r.attempts);
    }
  }

  private async fetchOne(orgId: string, messageId: string, attempts: number): Promise<void> {
    const m = await getMessage(this.s.sql, orgId, messageId);
    const media = m?.payload.media as { id?: unknown; filename?: string } | undefined;
    if (!m) return;
    const mediaId = typeof media?.id === 'string' ? media.id : '';
    try {
      // Checked again here: rows stored before ids were checked at the webhook may still be pending.
      if (!isMediaId(mediaId)) throw new MediaRefused('media id is not a Graph media id');
      const { token } = await channelAndToken(this.s, orgId, m.channelId);
      if (!token) throw new Error('no access token for this channel');
      const found = await this.graph.lookupMedia(mediaId, token);
      // Only the types an upload may have are stored (they are served back to agents as is).
      if (found.mimeType !== null && !ALLOWED_TYPES.has(found.mimeType))
        throw new MediaRefused(`media type not allowed: ${found.mimeType}`);
      const file = await this.graph.fetchMediaFile(found.url, token);
      const contentType = found.mimeType ?? file.contentType ?? 'application/octet-stream';
      if (!ALLOWED_TYPES.has(contentType)) throw new MediaRefused(`media type not allowed: ${contentType}`);
      const id = randomUUID();
      const key = `${orgId}/${id}`;
      const stored = await this.s.storage.put(key, Readable.from(file.bytes), this.s.env.UPLOAD_MAX_BYTES * 4);
      const ext = contentType.split('/')[1]?.replace(/[^a-z0-9]/g, '') ?? 'bin';
      await insertAttachment(this.s.sql, {
        id,
        orgId,
        uploadedBy: null,
        purpose: 'message',
        filename: media?.filename ?? `${m.kind}.${ext}`,
        contentType,
        sizeBytes: stored.sizeBytes,
        storageKey: key,
        sha256: stored.sha256,
      });
      const updated = await attachFetchedMedia(this.s.sql, orgId, messageId, id);
      // The message was erased (or deleted) meanwhile: the file must not stay behind.
      if (!updated)
        await this.s.storage.delete(key).catch((err: unknown) => this.s.log.warn({ err, messageId }, 'unused media not removed'));
      const conversation = await getConversation(this.s.sql, orgId, m.conversationId);
      if (updated && conversation) await publishMessage(this.s, this.s.sql, conversation, { ...m, attachmentId: id }, 'message.status');
    } catch (err) {
      // A refusal is final (nothing to retry); anything else is retried a few times.
      const refused = err instanceof MediaRefused;
      this.s.log.warn({ err, messageId }, refused ? 'inbound media refused; marked unavailable' : 'inbound media not fetched yet');
      if (refused || attempts >= MAX_ATTEMPTS) await setMediaStatus(this.s.sql, orgId, messageId, 'failed');
    }
  }
}
