import type { HttpMounts } from '../http/server.ts';
import type { Services } from '../services/index.ts';
import { WhatsappDelivery, type DeliveryOptions } from './whatsapp/delivery.ts';
import { MediaFetcher } from './whatsapp/media.ts';
import { handleWhatsappWebhook } from './whatsapp/webhook.ts';
import { registerMessageAttachmentAccess } from './attachments.ts';
import { startWebchat, type RunningWebchat, type WebchatOptions } from './webchat/index.ts';

export interface ChannelsOptions {
  delivery?: DeliveryOptions;
  mediaPollMs?: number;
  webchat?: WebchatOptions;
}

export interface RunningChannels {
  mounts: HttpMounts;
  delivery: WhatsappDelivery;
  webchat: RunningWebchat;
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
  const webchat = startWebchat(s, options.webchat);
  return {
    delivery,
    webchat,
    mounts: {
      routes: [{ prefix: '/webhooks/whatsapp', handle: (req, res) => handleWhatsappWebhook(s, req, res) }, ...webchat.routes],
      upgrades: [],
    },
    async stop() {
      await Promise.all([delivery.stop(), media.stop(), webchat.stop()]);
    },
  };
}
