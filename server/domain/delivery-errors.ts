import type { MessageKey } from '../../i18n/index.ts';

/**
 * The error title of a message the channel could not send because it has no phone number id
 * or access token of its own (the environment's token serves only the environment's channel).
 * Nothing reached Meta, so there is no Meta code; the title is the stable marker.
 */
export const NO_CHANNEL_CREDENTIALS = 'This WhatsApp channel has no phone number ID or access token of its own.';

/** Meta's error codes (notes/whatsapp-cloud-api.md) → the sentence an agent reads. */
export function deliveryErrorKey(code: number | null, status: string, title: string | null = null): MessageKey | null {
  if (status === 'unknown') return 'delivery.unknown';
  if (status !== 'failed' && status !== 'queued') return null;
  if (code === null && status === 'failed' && title === NO_CHANNEL_CREDENTIALS) return 'delivery.noCredentials';
  if (code === null) return status === 'failed' ? 'delivery.generic' : null;
  if (code === 131047) return 'delivery.131047';
  if (code === 131026) return 'delivery.131026';
  if (code === 131051) return 'delivery.131051';
  if (code === 131052) return 'delivery.131052';
  if (code === 131053) return 'delivery.131053';
  if (code === 130429 || code === 131056 || code === 80007) return 'delivery.rateLimit';
  if (code >= 132000 && code <= 132016) return 'delivery.template';
  if (code === 190) return 'delivery.190';
  if (code === 131049 || code === 131050) return 'delivery.marketing';
  if (code === 131048) return 'delivery.spam';
  if (code === 131008 || code === 131009) return 'delivery.params';
  return status === 'failed' ? 'delivery.generic' : null;
}
