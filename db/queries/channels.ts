import type { Db } from '../sql.ts';

export interface BotOptionRow {
  key: string;
  label: string;
  teamId: string;
}

export interface Channel {
  id: string;
  orgId: string;
  kind: 'whatsapp' | 'webchat';
  name: string;
  active: boolean;
  receiveOnly: boolean;
  phoneNumberId: string | null;
  /** The channel the environment's WhatsApp credentials serve (set only by the system, never by an admin). */
  envManaged: boolean;
  botGreeting: string;
  botOptions: BotOptionRow[];
  botInvalidMessage: string;
  noOneAvailableMessage: string;
  /** Web chat: the origins that may embed the widget (server/domain/allowed-sites.ts); empty = any site. */
  allowedSites: string[];
  /** WhatsApp: the WhatsApp Business Account whose templates are synced (server/commands/template-sync.ts). */
  wabaId: string | null;
}

/** Secrets are read only by the channel adapters, never returned to a client. */
export interface ChannelSecrets {
  appSecret: string | null;
  verifyToken: string | null;
  accessToken: string | null;
}

export const CHANNEL_COLUMNS = `id, org_id, kind, name, active, receive_only, phone_number_id, env_managed, bot_greeting, bot_options,
  bot_invalid_message, no_one_available_message, allowed_sites, waba_id`;

export function toChannel(r: Record<string, unknown>): Channel {
  return {
    id: r.id as string,
    orgId: r.org_id as string,
    kind: r.kind as Channel['kind'],
    name: r.name as string,
    active: r.active as boolean,
    receiveOnly: r.receive_only as boolean,
    phoneNumberId: (r.phone_number_id as string | null) ?? null,
    envManaged: r.env_managed === true,
    botGreeting: r.bot_greeting as string,
    botOptions: (r.bot_options ?? []) as BotOptionRow[],
    botInvalidMessage: r.bot_invalid_message as string,
    noOneAvailableMessage: r.no_one_available_message as string,
    allowedSites: (r.allowed_sites as string[] | null) ?? [],
    wabaId: (r.waba_id as string | null) ?? null,
  };
}

export async function getChannel(db: Db, orgId: string, id: string): Promise<Channel | null> {
  const rows = await db.unsafe(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE org_id = $1 AND id = $2`, [orgId, id]);
  return rows[0] ? toChannel(rows[0]) : null;
}

export async function listChannels(db: Db, orgId: string): Promise<Channel[]> {
  const rows = await db.unsafe(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE org_id = $1 ORDER BY kind, lower(name)`, [orgId]);
  return rows.map(toChannel);
}

const toChannelWithSecrets = (r: Record<string, unknown>): Channel & ChannelSecrets => ({
  ...toChannel(r),
  appSecret: (r.app_secret as string | null) ?? null,
  verifyToken: (r.verify_token as string | null) ?? null,
  accessToken: (r.access_token as string | null) ?? null,
});

export async function channelByPhoneNumberId(db: Db, phoneNumberId: string): Promise<(Channel & ChannelSecrets) | null> {
  const rows = await db.unsafe(
    `SELECT ${CHANNEL_COLUMNS}, app_secret, verify_token, access_token FROM channels WHERE phone_number_id = $1`,
    [phoneNumberId],
  );
  return rows[0] ? toChannelWithSecrets(rows[0]) : null;
}

/** A channel of the organization with its secrets (for the channel adapters only, never a client). */
export async function channelWithSecrets(db: Db, orgId: string, id: string): Promise<(Channel & ChannelSecrets) | null> {
  const rows = await db.unsafe(
    `SELECT ${CHANNEL_COLUMNS}, app_secret, verify_token, access_token FROM channels WHERE org_id = $1 AND id = $2`,
    [orgId, id],
  );
  return rows[0] ? toChannelWithSecrets(rows[0]) : null;
}

/**
 * Marks the channel the environment's WhatsApp credentials serve. Only the system calls this
 * (demo seed, first-organization setup); admin procedures have no way to set the marker.
 */
export async function markEnvChannel(db: Db, orgId: string, id: string): Promise<void> {
  await db`UPDATE channels SET env_managed = true WHERE org_id = ${orgId} AND id = ${id} AND kind = 'whatsapp'`;
}

/** The phone number id of the environment's channel, if one is marked. */
export async function envChannelPhoneNumberId(db: Db): Promise<string | null> {
  const rows = await db`SELECT phone_number_id FROM channels WHERE env_managed`;
  return (rows[0]?.phone_number_id as string | null | undefined) ?? null;
}

/** The organization of a WhatsApp channel, by id alone (a per-channel webhook URL names only the channel). */
export async function whatsappChannelOrgId(db: Db, channelId: string): Promise<string | null> {
  const rows = await db`SELECT org_id FROM channels WHERE id = ${channelId} AND kind = 'whatsapp'`;
  return (rows[0]?.org_id as string | undefined) ?? null;
}
