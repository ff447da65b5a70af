/**
 * Whose credentials a WhatsApp channel uses. The environment's (WHATSAPP_APP_SECRET,
 * _VERIFY_TOKEN, _ACCESS_TOKEN) belong to exactly one channel: the one the system created
 * for WHATSAPP_PHONE_NUMBER_ID (demo seed, first-organization setup), marked `envManaged`.
 * Never to a channel an administrator created, whatever number it claims: otherwise an admin
 * of any organization could receive the operator's webhooks and send with the operator's token.
 */
export interface EnvWhatsapp {
  phoneNumberId: string;
  accessToken: string | null;
}

interface WhatsappChannel {
  kind: string;
  envManaged: boolean;
  phoneNumberId: string | null;
}

/** The one channel the environment's credentials serve (and `/webhooks/whatsapp` routes to). */
export function servedByEnv(channel: WhatsappChannel, envPhoneNumberId: string): boolean {
  return channel.kind === 'whatsapp' && channel.envManaged && channel.phoneNumberId === envPhoneNumberId;
}

/** The token to call the Graph API with for this channel: its own, else the environment's only for the env channel. */
export function accessTokenFor(channel: WhatsappChannel & { accessToken: string | null }, env: EnvWhatsapp): string | null {
  return channel.accessToken ?? (servedByEnv(channel, env.phoneNumberId) ? env.accessToken : null);
}

/**
 * Whether an administrator may give a channel this phone number id. The environment's number
 * is reserved for the env channel (also before it exists), and the env channel keeps it.
 * A number another channel has is refused by the database's global unique index.
 */
export function phoneNumberIdRefusal(
  channel: { envManaged: boolean; phoneNumberId: string | null } | null,
  next: string | null | undefined,
  envPhoneNumberId: string,
): 'envChannelNumber' | 'invalid' | null {
  if (next === undefined || next === (channel?.phoneNumberId ?? null)) return null;
  if (channel?.envManaged) return 'envChannelNumber';
  if (next === envPhoneNumberId) return 'invalid';
  return null;
}
