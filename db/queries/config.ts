import { CHANNEL_COLUMNS, toChannel, type BotOptionRow, type Channel } from './channels.ts';
import { isForeignKeyViolation, type Db, type Tx } from '../sql.ts';

/**
 * The organization's configuration tables (tags, dispositions, pause types, canned
 * responses, templates, channels). Each simple table is described once — its columns and
 * their names in the domain — and shares the same list / insert / update / delete.
 */
type Columns<T> = { [K in keyof T]-?: string };

interface TableOptions<T> {
  /** Casts of parameters, by domain name (e.g. `'::uuid[]'`). */
  casts?: Partial<Columns<T>>;
  /** How a row still referenced elsewhere is switched off instead of deleted (a SET list). */
  deactivate?: string;
}

function configTable<T extends { id: string }>(
  table: string,
  columns: Columns<T>,
  order: string,
  { casts = {}, deactivate }: TableOptions<T> = {},
) {
  const list = Object.values<string>(columns).join(', ');
  const toRow = (r: Record<string, unknown>) =>
    Object.fromEntries(Object.entries<string>(columns).map(([key, column]) => [key, r[column] ?? null])) as T;
  const assignments = (values: Partial<Omit<T, 'id'>>, params: unknown[]) =>
    Object.entries(values)
      .filter(([key, value]) => value !== undefined && key !== 'id' && key in columns)
      .map(([key, value]) => {
        params.push(value);
        const cast = (casts as Record<string, string>)[key] ?? '';
        return { column: (columns as Record<string, string>)[key]!, placeholder: `$${params.length}${cast}` };
      });
  async function get(db: Db, orgId: string, id: string): Promise<T | null> {
    const rows = await db.unsafe(`SELECT ${list} FROM ${table} WHERE org_id = $1 AND id = $2`, [orgId, id]);
    return rows[0] ? toRow(rows[0]) : null;
  }
  return {
    get,
    async list(db: Db, orgId: string, where = '', params: unknown[] = [], limit = 1000): Promise<T[]> {
      const rows = await db.unsafe(`SELECT ${list} FROM ${table} WHERE org_id = $1 ${where} ORDER BY ${order} LIMIT ${Math.floor(limit)}`, [
        orgId,
        ...params,
      ] as never[]);
      return rows.map(toRow);
    },
    async insert(db: Db, orgId: string, values: Partial<Omit<T, 'id'>>): Promise<T> {
      const params: unknown[] = [orgId];
      const set = assignments(values, params);
      const rows = await db.unsafe(
        `INSERT INTO ${table} (org_id${set.map((s) => `, ${s.column}`).join('')})
         VALUES ($1${set.map((s) => `, ${s.placeholder}`).join('')}) RETURNING ${list}`,
        params as never[],
      );
      return toRow(rows[0]!);
    },
    async update(db: Db, orgId: string, id: string, patch: Partial<Omit<T, 'id'>>): Promise<T | null> {
      const params: unknown[] = [orgId, id];
      const set = assignments(patch, params);
      if (set.length === 0) return get(db, orgId, id);
      const rows = await db.unsafe(
        `UPDATE ${table} SET ${set.map((s) => `${s.column} = ${s.placeholder}`).join(', ')}
         WHERE org_id = $1 AND id = $2 RETURNING ${list}`,
        params as never[],
      );
      return rows[0] ? toRow(rows[0]) : null;
    },
    /**
     * Deletes a row; one still referenced (a disposition on a closed conversation, a template
     * of a sent message) is kept for the history and switched off (the table's `deactivate`) instead.
     */
    async remove(tx: Tx, orgId: string, id: string): Promise<'deleted' | 'deactivated' | null> {
      try {
        const rows = await tx.savepoint((sp) => sp.unsafe(`DELETE FROM ${table} WHERE org_id = $1 AND id = $2 RETURNING id`, [orgId, id]));
        return rows.length > 0 ? 'deleted' : null;
      } catch (err) {
        if (!isForeignKeyViolation(err) || !deactivate) throw err;
        const rows = await tx.unsafe(`UPDATE ${table} SET ${deactivate} WHERE org_id = $1 AND id = $2 RETURNING id`, [orgId, id]);
        return rows.length > 0 ? 'deactivated' : null;
      }
    },
  };
}

export interface Tag {
  id: string;
  name: string;
  color: string;
  active: boolean;
}
export interface Disposition {
  id: string;
  name: string;
  active: boolean;
}
export interface PauseType {
  id: string;
  name: string;
  maxMinutes: number;
  earliestTime: string | null;
  active: boolean;
}
export interface CannedResponse {
  id: string;
  shortcut: string;
  title: string;
  body: string;
  attachmentIds: string[];
  teamId: string | null;
}
export type TemplateStatus =
  | 'approved'
  | 'pending'
  | 'rejected'
  | 'paused'
  | 'disabled'
  | 'in_appeal'
  | 'pending_deletion'
  | 'deleted'
  | 'limit_exceeded'
  | 'archived';
export interface Template {
  id: string;
  channelId: string;
  name: string;
  language: string;
  category: string;
  status: TemplateStatus;
  body: string;
  paramCount: number;
  /** 'manual': typed in by an administrator; 'meta': synced from the Graph API. */
  source: 'manual' | 'meta';
  /** Why Meta rejected or paused it, when it said. */
  statusReason: string | null;
  /** When a synced template disappeared from Meta's list (kept for the history, never sendable). */
  removedAt: Date | null;
}

const SWITCH_OFF = { deactivate: 'active = false' };
export const tags = configTable<Tag>('tags', { id: 'id', name: 'name', color: 'color', active: 'active' }, 'lower(name)', SWITCH_OFF);
export const dispositions = configTable<Disposition>(
  'dispositions',
  { id: 'id', name: 'name', active: 'active' },
  'lower(name)',
  SWITCH_OFF,
);
export const pauseTypes = configTable<PauseType>(
  'pause_types',
  { id: 'id', name: 'name', maxMinutes: 'max_minutes', earliestTime: 'earliest_time', active: 'active' },
  'lower(name)',
  SWITCH_OFF,
);
export const cannedResponses = configTable<CannedResponse>(
  'canned_responses',
  { id: 'id', shortcut: 'shortcut', title: 'title', body: 'body', attachmentIds: 'attachment_ids', teamId: 'team_id' },
  'shortcut',
  { casts: { attachmentIds: '::uuid[]' } },
);
export const templates = configTable<Template>(
  'templates',
  {
    id: 'id',
    channelId: 'channel_id',
    name: 'name',
    language: 'language',
    category: 'category',
    status: 'status',
    body: 'body',
    paramCount: 'param_count',
    source: 'source',
    statusReason: 'status_reason',
    removedAt: 'removed_at',
  },
  'name, language',
  { deactivate: `status = 'disabled'` },
);

/** Canned responses an agent may use: the organization's, and those of the agent's teams. */
export function visibleCanned(db: Db, orgId: string, teamIds: string[], query: string): Promise<CannedResponse[]> {
  const pattern = `%${query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return cannedResponses.list(
    db,
    orgId,
    `AND (team_id IS NULL OR team_id = ANY($2::uuid[])) AND (shortcut LIKE $3 OR lower(title) LIKE $3)`,
    [teamIds, pattern],
    200,
  );
}

/**
 * KEY SHARE-locks the rows (as a foreign key would; canned responses' array has none) so the
 * unattached-upload sweep cannot delete a file while a transaction is attaching it.
 */
export async function countAttachments(db: Db, orgId: string, ids: string[], purpose: string): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await db`SELECT count(*)::int AS n FROM (
    SELECT 1 FROM attachments WHERE org_id = ${orgId} AND id = ANY(${ids}::uuid[]) AND purpose = ${purpose} FOR KEY SHARE
  ) AS found`;
  return rows[0]!.n as number;
}

/** A channel as its administrator sees it: whether each secret is set, never the secret. */
export interface AdminChannel extends Channel {
  hasAppSecret: boolean;
  hasVerifyToken: boolean;
  hasAccessToken: boolean;
}

export interface ChannelSettings {
  kind: Channel['kind'];
  name: string;
  active: boolean;
  receiveOnly: boolean;
  phoneNumberId: string | null;
  appSecret: string | null;
  verifyToken: string | null;
  accessToken: string | null;
  botGreeting: string;
  botOptions: BotOptionRow[];
  botInvalidMessage: string;
  noOneAvailableMessage: string;
  allowedSites: string[];
  wabaId: string | null;
}

const ADMIN_CHANNEL_COLUMNS = `${CHANNEL_COLUMNS}, app_secret IS NOT NULL AS has_app_secret,
  verify_token IS NOT NULL AS has_verify_token, access_token IS NOT NULL AS has_access_token`;
const toAdminChannel = (r: Record<string, unknown>): AdminChannel => ({
  ...toChannel(r),
  hasAppSecret: r.has_app_secret as boolean,
  hasVerifyToken: r.has_verify_token as boolean,
  hasAccessToken: r.has_access_token as boolean,
});
const CHANNEL_SETTINGS: Columns<ChannelSettings> = {
  kind: 'kind',
  name: 'name',
  active: 'active',
  receiveOnly: 'receive_only',
  phoneNumberId: 'phone_number_id',
  appSecret: 'app_secret',
  verifyToken: 'verify_token',
  accessToken: 'access_token',
  botGreeting: 'bot_greeting',
  botOptions: 'bot_options',
  botInvalidMessage: 'bot_invalid_message',
  noOneAvailableMessage: 'no_one_available_message',
  allowedSites: 'allowed_sites',
  wabaId: 'waba_id',
};
function channelAssignments(settings: Partial<ChannelSettings>, params: unknown[]) {
  return Object.entries(CHANNEL_SETTINGS)
    .filter(([key]) => settings[key as keyof ChannelSettings] !== undefined)
    .map(([key, column]) => {
      const value = settings[key as keyof ChannelSettings];
      const json = key === 'botOptions' || key === 'allowedSites';
      params.push(json ? JSON.stringify(value) : value);
      const at = `$${params.length}`;
      if (key === 'allowedSites') return { column, placeholder: `ARRAY(SELECT jsonb_array_elements_text(${at}::text::jsonb))` };
      return { column, placeholder: `${at}${json ? '::text::jsonb' : ''}` };
    });
}

export async function listAdminChannels(db: Db, orgId: string): Promise<AdminChannel[]> {
  const rows = await db.unsafe(`SELECT ${ADMIN_CHANNEL_COLUMNS} FROM channels WHERE org_id = $1 ORDER BY kind, lower(name)`, [orgId]);
  return rows.map(toAdminChannel);
}

export async function insertChannel(
  db: Db,
  orgId: string,
  settings: Partial<ChannelSettings> & Pick<ChannelSettings, 'kind' | 'name'>,
): Promise<AdminChannel> {
  const params: unknown[] = [orgId];
  const set = channelAssignments(settings, params);
  const rows = await db.unsafe(
    `INSERT INTO channels (org_id${set.map((s) => `, ${s.column}`).join('')}) VALUES ($1${set.map((s) => `, ${s.placeholder}`).join('')})
     RETURNING ${ADMIN_CHANNEL_COLUMNS}`,
    params as never[],
  );
  return toAdminChannel(rows[0]!);
}

export async function updateChannel(
  db: Db,
  orgId: string,
  id: string,
  patch: Partial<Omit<ChannelSettings, 'kind'>>,
): Promise<AdminChannel | null> {
  const params: unknown[] = [orgId, id];
  const set = channelAssignments(patch, params);
  const rows = await db.unsafe(
    `UPDATE channels SET ${set.map((s) => `${s.column} = ${s.placeholder}`).join(', ') || 'name = name'}
     WHERE org_id = $1 AND id = $2 RETURNING ${ADMIN_CHANNEL_COLUMNS}`,
    params as never[],
  );
  return rows[0] ? toAdminChannel(rows[0]) : null;
}
