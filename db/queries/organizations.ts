import type { Db } from '../sql.ts';

export interface Organization {
  id: string;
  name: string;
  timeZone: string;
  allowedNetworks: string[];
  workHoursPolicy: 'flag' | 'refuse_login';
  inactivityTimeoutMinutes: number;
  botTimeoutMinutes: number;
  ratingWindowMinutes: number;
  requiredContactFields: string[];
  identifyAgents: boolean;
  brandColor: string;
  customerLanguage: string;
  /** Sent to the customer when the system closes a conversation: null = the standard sentence, '' = none. */
  autoCloseMessage: string | null;
  /** Queue timeout of conversations waiting with no team; null = never. */
  queueTimeoutMinutes: number | null;
  /** Click-to-call address with {number} and {extension}; null = tel: on the agent's device. */
  clickToCallUrl: string | null;
  /** WhatsApp: tell the customer they are in a team's queue, and their place (an automatic message). */
  notifyQueue: boolean;
  /** WhatsApp: tell the customer when an agent joins the conversation. */
  notifyJoined: boolean;
  /** How long an agent whose last device went away still counts as connected (0–3600 s). */
  presenceGraceSeconds: number;
}

export const ORGANIZATION_COLUMNS = `id, name, time_zone, allowed_networks, work_hours_policy, inactivity_timeout_minutes,
  bot_timeout_minutes, rating_window_minutes, required_contact_fields, identify_agents, brand_color, customer_language,
  auto_close_message, queue_timeout_minutes, click_to_call_url, notify_queue, notify_joined, presence_grace_seconds`;

export function toOrganization(r: Record<string, unknown>): Organization {
  return {
    id: r.id as string,
    name: r.name as string,
    timeZone: r.time_zone as string,
    allowedNetworks: r.allowed_networks as string[],
    workHoursPolicy: r.work_hours_policy as Organization['workHoursPolicy'],
    inactivityTimeoutMinutes: r.inactivity_timeout_minutes as number,
    botTimeoutMinutes: r.bot_timeout_minutes as number,
    ratingWindowMinutes: r.rating_window_minutes as number,
    requiredContactFields: r.required_contact_fields as string[],
    identifyAgents: r.identify_agents as boolean,
    brandColor: r.brand_color as string,
    customerLanguage: r.customer_language as string,
    autoCloseMessage: (r.auto_close_message as string | null) ?? null,
    queueTimeoutMinutes: (r.queue_timeout_minutes as number | null) ?? null,
    clickToCallUrl: (r.click_to_call_url as string | null) ?? null,
    notifyQueue: r.notify_queue as boolean,
    notifyJoined: r.notify_joined as boolean,
    presenceGraceSeconds: r.presence_grace_seconds as number,
  };
}

export async function getOrganization(db: Db, orgId: string): Promise<Organization | null> {
  const rows = await db.unsafe(`SELECT ${ORGANIZATION_COLUMNS} FROM organizations WHERE id = $1`, [orgId]);
  return rows[0] ? toOrganization(rows[0]) : null;
}

export async function countOrganizations(db: Db): Promise<number> {
  const rows = await db`SELECT count(*)::int AS n FROM organizations`;
  return rows[0]!.n as number;
}

export async function insertOrganization(db: Db, o: { name: string; timeZone: string }): Promise<Organization> {
  const rows = await db.unsafe(`INSERT INTO organizations (name, time_zone) VALUES ($1, $2) RETURNING ${ORGANIZATION_COLUMNS}`, [
    o.name.trim(),
    o.timeZone,
  ]);
  return toOrganization(rows[0]!);
}

const UPDATABLE = {
  name: 'name',
  timeZone: 'time_zone',
  allowedNetworks: 'allowed_networks',
  workHoursPolicy: 'work_hours_policy',
  inactivityTimeoutMinutes: 'inactivity_timeout_minutes',
  botTimeoutMinutes: 'bot_timeout_minutes',
  ratingWindowMinutes: 'rating_window_minutes',
  requiredContactFields: 'required_contact_fields',
  identifyAgents: 'identify_agents',
  brandColor: 'brand_color',
  customerLanguage: 'customer_language',
  autoCloseMessage: 'auto_close_message',
  queueTimeoutMinutes: 'queue_timeout_minutes',
  clickToCallUrl: 'click_to_call_url',
  notifyQueue: 'notify_queue',
  notifyJoined: 'notify_joined',
  presenceGraceSeconds: 'presence_grace_seconds',
} as const;
export type OrganizationPatch = Partial<Omit<Organization, 'id'>>;

export async function updateOrganization(db: Db, orgId: string, patch: OrganizationPatch): Promise<Organization> {
  const sets: string[] = [];
  const values: unknown[] = [orgId];
  for (const [key, column] of Object.entries(UPDATABLE)) {
    const value = patch[key as keyof OrganizationPatch];
    if (value === undefined) continue;
    values.push(value);
    sets.push(`${column} = $${values.length}`);
  }
  if (sets.length > 0) {
    await db.unsafe(`UPDATE organizations SET ${sets.join(', ')} WHERE id = $1`, values as never[]);
  }
  return (await getOrganization(db, orgId))!;
}
