import { envChannelPhoneNumberId } from '../../db/queries/channels.ts';
import type { HttpMounts } from '../http/server.ts';
import type { Services } from '../services/index.ts';
import { watchWebhook } from '../services/metrics.ts';
import { WhatsappDelivery, type DeliveryOptions } from './whatsapp/delivery.ts';
import { MediaFetcher } from './whatsapp/media.ts';
import { handleWhatsappWebhook } from './whatsapp/webhook.ts';
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

/**
 * The environment's WhatsApp credentials serve only the channel the system marked for
 * WHATSAPP_PHONE_NUMBER_ID; say so at boot when they are set but serve nothing.
 */
async function checkEnvChannel(s: Services): Promise<void> {
  const env = s.env;
  if (!env.WHATSAPP_APP_SECRET && !env.WHATSAPP_ACCESS_TOKEN) return;
  const marked = await envChannelPhoneNumberId(s.sql);
  if (marked === env.WHATSAPP_PHONE_NUMBER_ID) return;
  s.log.warn(
    { WHATSAPP_PHONE_NUMBER_ID: env.WHATSAPP_PHONE_NUMBER_ID, envChannelNumber: marked },
    'WHATSAPP_* credentials are set, but no channel marked as the environment’s has WHATSAPP_PHONE_NUMBER_ID: /webhooks/whatsapp stores nothing and the environment’s token sends nothing (docs/operations.md, Security)',
  );
}

/** The channel adapters: their HTTP routes and their background workers. */
export function startChannels(s: Services, options: ChannelsOptions = {}): RunningChannels {
  const delivery = new WhatsappDelivery(s, options.delivery);
  const media = new MediaFetcher(s, options.mediaPollMs);
  s.mediaFetcher = media;
  delivery.start();
  media.start();
  const webchat = startWebchat(s, options.webchat);
  checkEnvChannel(s).catch((err: unknown) => s.log.warn({ err }, 'could not check the environment’s WhatsApp channel'));
  return {
    delivery,
    webchat,
    mounts: {
      routes: [
        {
          prefix: '/webhooks/whatsapp',
          handle: (req, res) => {
            watchWebhook(s.metrics, req, res);
            return handleWhatsappWebhook(s, req, res);
          },
        },
        ...webchat.routes,
      ],
      upgrades: [],
    },
    async stop() {
      await Promise.all([delivery.stop(), media.stop(), webchat.stop()]);
    },
  };
}
