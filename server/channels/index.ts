import type { HttpMounts } from '../http/server.ts';
import type { Services } from '../services/index.ts';
import { WhatsappDelivery, type DeliveryOptions } from './whatsapp/delivery.ts';
import { MediaFetcher } from './whatsapp/media.ts';
import { handleWhatsappWebhook } from './whatsapp/webhook.ts';
import { registerMessageAttachmentAccess } from './attachments.ts';

export interface ChannelsOptions {
  delivery?: DeliveryOptions;
  mediaPollMs?: number;
}

export interface RunningChannels {
  mounts: HttpMounts;
  delivery: WhatsappDelivery;
  stop(): Promise<void>;
}

/** The channel adapters: their HTTP routes and their background workers. */
export function startChannels(s: Services, options: ChannelsOptions = {}): RunningChannels {
  registerMessageAttachmentAccess();
  const delivery = new WhatsappDelivery(s, options.delivery);
  const media = new MediaFetcher(s, options.mediaPollMs);
  s.mediaFetcher = media;
  delivery.start();
  media.start();
  return {
    delivery,
    mounts: {
      routes: [{ prefix: '/webhooks/whatsapp', handle: (req, res) => handleWhatsappWebhook(s, req, res) }],
      upgrades: [],
    },
    async stop() {
      await Promise.all([delivery.stop(), media.stop()]);
    },
  };
}
