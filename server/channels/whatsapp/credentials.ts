import { channelWithSecrets, type Channel } from '../../../db/queries/channels.ts';
import { accessTokenFor } from '../../domain/whatsapp-env.ts';
import type { Services } from '../../services/index.ts';

/**
 * A WhatsApp channel and the Graph API token it sends and fetches media with: its own, else
 * the environment's only for the environment's channel (domain/whatsapp-env.ts); null when
 * it has none, so nothing is sent with someone else's token.
 */
export async function channelAndToken(
  s: Services,
  orgId: string,
  channelId: string,
): Promise<{ channel: Channel | null; token: string | null }> {
  const channel = await channelWithSecrets(s.sql, orgId, channelId);
  if (!channel) return { channel: null, token: null };
  const token = accessTokenFor(channel, {
    phoneNumberId: s.env.WHATSAPP_PHONE_NUMBER_ID,
    accessToken: s.env.WHATSAPP_ACCESS_TOKEN ?? null,
  });
  return { channel, token };
}
