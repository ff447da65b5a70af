import type { Db, Tx } from '../sql.ts';
import { CHANNEL_COLUMNS, toChannel, type Channel, type ChannelSecrets } from './channels.ts';
import type { TemplateStatus } from './config.ts';

/** A template of a channel as the sync compares it with Meta's list. */
export interface StoredTemplate {
  id: string;
  name: string;
  language: string;
  category: string;
  status: TemplateStatus;
  statusReason: string | null;
  body: string;
  paramCount: number;
  source: 'manual' | 'meta';
  metaId: string | null;
  components: unknown[] | null;
  parameterFormat: 'positional' | 'named';
  removedAt: Date | null;
}

/** Meta's version of a template, as it is written. */
export interface TemplateContent {
  metaId: string | null;
  name: string;
  language: string;
  category: string;
  status: TemplateStatus;
  statusReason: string | null;
  body: string;
  paramCount: number;
  components: unknown[];
  parameterFormat: 'positional' | 'named';
}

const COLUMNS = `id, name, language, category, status, status_reason, body, param_count, source, meta_id, components, parameter_format, removed_at`;
const toStored = (r: Record<string, unknown>): StoredTemplate => ({
  id: r.id as string,
  name: r.name as string,
  language: r.language as string,
  category: r.category as string,
  status: r.status as TemplateStatus,
  statusReason: (r.status_reason as string | null) ?? null,
  body: r.body as string,
  paramCount: r.param_count as number,
  source: r.source as StoredTemplate['source'],
  metaId: (r.meta_id as string | null) ?? null,
  components: (r.components as unknown[] | null) ?? null,
  parameterFormat: r.parameter_format as StoredTemplate['parameterFormat'],
  removedAt: (r.removed_at as Date | null) ?? null,
});

/** Locks the channel's row: two syncs of one channel (button and daily refresh) run one after the other. */
export async function lockChannelForSync(tx: Tx, orgId: string, channelId: string): Promise<boolean> {
  const rows = await tx`SELECT id FROM channels WHERE org_id = ${orgId} AND id = ${channelId} AND kind = 'whatsapp' FOR UPDATE`;
  return rows.length === 1;
}

export async function channelTemplates(db: Db, orgId: string, channelId: string): Promise<StoredTemplate[]> {
  const rows = await db.unsafe(`SELECT ${COLUMNS} FROM templates WHERE org_id = $1 AND channel_id = $2`, [orgId, channelId]);
  return rows.map(toStored);
}

export async function insertSyncedTemplate(tx: Tx, orgId: string, channelId: string, t: TemplateContent): Promise<void> {
  await tx`INSERT INTO templates (org_id, channel_id, source, meta_id, name, language, category, status, status_reason, body,
      param_count, components, parameter_format, synced_at)
    VALUES (${orgId}, ${channelId}, 'meta', ${t.metaId}, ${t.name}, ${t.language}, ${t.category}, ${t.status}, ${t.statusReason},
      ${t.body}, ${t.paramCount}, ${tx.json(t.components as never)}, ${t.parameterFormat}, now())
    -- An admin typing in the same name and language meanwhile: Meta's content wins, as in a sync.
    ON CONFLICT (org_id, channel_id, name, language) DO UPDATE SET source = 'meta', meta_id = EXCLUDED.meta_id,
      category = EXCLUDED.category, status = EXCLUDED.status, status_reason = EXCLUDED.status_reason, body = EXCLUDED.body,
      param_count = EXCLUDED.param_count, components = EXCLUDED.components, parameter_format = EXCLUDED.parameter_format,
      removed_at = NULL, synced_at = now()`;
}

/** Meta's content replaces the row's (a hand-typed one becomes synced); its id, and what refers to it, stay. */
export async function updateSyncedTemplate(tx: Tx, orgId: string, id: string, t: TemplateContent): Promise<void> {
  await tx`UPDATE templates SET source = 'meta', meta_id = ${t.metaId}, category = ${t.category}, status = ${t.status},
      status_reason = ${t.statusReason}, body = ${t.body}, param_count = ${t.paramCount}, components = ${tx.json(t.components as never)},
      parameter_format = ${t.parameterFormat}, removed_at = NULL, synced_at = now()
    WHERE org_id = ${orgId} AND id = ${id}`;
}

export async function touchSyncedTemplate(tx: Tx, orgId: string, id: string): Promise<void> {
  await tx`UPDATE templates SET synced_at = now() WHERE org_id = ${orgId} AND id = ${id}`;
}

/** Synced templates Meta no longer lists: kept (sent messages refer to them), marked, never sendable. */
export async function markTemplatesRemoved(tx: Tx, orgId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx`UPDATE templates SET removed_at = now() WHERE org_id = ${orgId} AND id = ANY(${ids}::uuid[]) AND removed_at IS NULL`;
}

/**
 * A status Meta pushed (webhook message_template_status_update) for a template of these
 * channels, found by Meta's id or by name and language. Returns the templates changed.
 */
export async function setSyncedTemplateStatus(
  tx: Tx,
  channel: { orgId: string; id: string },
  match: { metaId: string | null; name: string | null; language: string | null },
  status: TemplateStatus,
  reason: string | null,
): Promise<string[]> {
  const rows = await tx`UPDATE templates SET status = ${status}, status_reason = ${reason}
    WHERE org_id = ${channel.orgId} AND channel_id = ${channel.id}
      AND ((${match.metaId}::text IS NOT NULL AND meta_id = ${match.metaId})
        OR (${match.name}::text IS NOT NULL AND name = ${match.name} AND language = ${match.language}))
      AND (status <> ${status} OR status_reason IS DISTINCT FROM ${reason})
    RETURNING id`;
  return rows.map((r) => r.id as string);
}

/** The WhatsApp channels that name this Business Account, with their secrets (webhook routing only). */
export async function channelsByWabaId(db: Db, wabaId: string): Promise<(Channel & ChannelSecrets)[]> {
  const rows = await db.unsafe(
    `SELECT ${CHANNEL_COLUMNS}, app_secret, verify_token, access_token FROM channels WHERE waba_id = $1 AND kind = 'whatsapp' ORDER BY org_id, id`,
    [wabaId],
  );
  return rows.map((r) => ({
    ...toChannel(r),
    appSecret: (r.app_secret as string | null) ?? null,
    verifyToken: (r.verify_token as string | null) ?? null,
    accessToken: (r.access_token as string | null) ?? null,
  }));
}

/** Every active WhatsApp channel with a Business Account, of every organization (the daily refresh). */
export async function channelsToSync(db: Db): Promise<{ orgId: string; id: string }[]> {
  const rows = await db`SELECT org_id, id FROM channels WHERE kind = 'whatsapp' AND active AND waba_id IS NOT NULL ORDER BY org_id, id`;
  return rows.map((r) => ({ orgId: r.org_id as string, id: r.id as string }));
}

/** What a send of a synced template needs beyond the name and language (null for a hand-typed one). */
export async function templateComponents(
  db: Db,
  orgId: string,
  id: string,
): Promise<{ components: unknown[]; parameterFormat: 'positional' | 'named' } | null> {
  const rows =
    await db`SELECT components, parameter_format FROM templates WHERE org_id = ${orgId} AND id = ${id} AND components IS NOT NULL`;
  return rows[0]
    ? { components: rows[0].components as unknown[], parameterFormat: rows[0].parameter_format as 'positional' | 'named' }
    : null;
}

/** The components of those of these templates that were synced from Meta, by template id. */
export async function componentsOfTemplates(
  db: Db,
  orgId: string,
  ids: string[],
): Promise<Map<string, { components: unknown[]; parameterFormat: 'positional' | 'named' }>> {
  if (ids.length === 0) return new Map();
  const rows = await db`SELECT id, components, parameter_format FROM templates
    WHERE org_id = ${orgId} AND id = ANY(${ids}::uuid[]) AND components IS NOT NULL`;
  return new Map(
    rows.map((r) => [
      r.id as string,
      { components: r.components as unknown[], parameterFormat: r.parameter_format as 'positional' | 'named' },
    ]),
  );
}
