import { audit } from '../../db/queries/audit.ts';
import {
  channelsToSync,
  channelTemplates,
  insertSyncedTemplate,
  lockChannelForSync,
  markTemplatesRemoved,
  touchSyncedTemplate,
  updateSyncedTemplate,
  type StoredTemplate,
  type TemplateContent,
} from '../../db/queries/template-sync.ts';
import { runTx } from '../../db/sql.ts';
import { channelAndToken } from '../channels/whatsapp/credentials.ts';
import { fetchMessageTemplates, TemplateListError } from '../channels/whatsapp/templates-graph.ts';
import { syncedTemplateOf } from '../domain/whatsapp-templates.ts';
import { errorsFor, type Fail } from '../errors.ts';
import type { Services } from '../services/index.ts';

/** What a sync did: templates new to Atende, changed, no longer at Meta, and left as they were. */
export interface TemplateSyncResult {
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  /** Templates in Meta's answer Atende cannot use (a name or language it does not accept). */
  skipped: number;
}

export interface SyncActor {
  orgId: string;
  /** The administrator who pressed "Sync with Meta"; null for the daily refresh. */
  userId: string | null;
  ip?: string;
  fail: Fail;
}

const keyOf = (t: { name: string; language: string }) => `${t.name}\u0000${t.language}`;

/** JSON with object keys sorted: jsonb hands objects back with its own key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function changed(stored: StoredTemplate, next: TemplateContent): boolean {
  return (
    stored.source !== 'meta' ||
    stored.removedAt !== null ||
    stored.metaId !== next.metaId ||
    stored.category !== next.category ||
    stored.status !== next.status ||
    stored.statusReason !== next.statusReason ||
    stored.body !== next.body ||
    stored.paramCount !== next.paramCount ||
    stored.parameterFormat !== next.parameterFormat ||
    canonical(stored.components) !== canonical(next.components)
  );
}

/** Meta's answer, read whole before anything is written: a failed page changes nothing. */
async function readFromMeta(s: Services, actor: SyncActor, channelId: string): Promise<unknown[]> {
  const { channel, token } = await channelAndToken(s, actor.orgId, channelId);
  if (!channel) throw actor.fail('NOT_FOUND', 'error.notFound');
  if (channel.kind !== 'whatsapp') throw actor.fail('BAD_REQUEST', 'conv.templateOnlyWhatsapp');
  if (!channel.wabaId) throw actor.fail('PRECONDITION_FAILED', 'templateSync.noWaba', { channel: channel.name });
  if (!token) throw actor.fail('PRECONDITION_FAILED', 'templateSync.noToken', { channel: channel.name });
  try {
    return await fetchMessageTemplates(s.env.WHATSAPP_GRAPH_URL, channel.wabaId, token);
  } catch (err) {
    if (!(err instanceof TemplateListError)) throw err;
    const f = err.failure;
    s.log.warn({ channelId, failure: f }, 'WhatsApp template list not read; nothing changed');
    if (f.kind === 'token') throw actor.fail('PRECONDITION_FAILED', 'templateSync.badToken', { channel: channel.name });
    if (f.kind === 'rateLimit') throw actor.fail('TOO_MANY_REQUESTS', 'templateSync.rateLimited');
    if (f.kind === 'network') throw actor.fail('INTERNAL_SERVER_ERROR', 'templateSync.unreachable');
    throw actor.fail('PRECONDITION_FAILED', 'templateSync.refused', { detail: f.detail.slice(0, 200) });
  }
}

/**
 * Fetches the channel's templates from Meta and stores them (docs/whatsapp.md, "Template
 * sync"). A template is one name + language. Meta's content replaces a stored one of the same
 * name and language, a hand-typed one included (which becomes synced, keeping its id); a
 * synced template Meta no longer lists is marked removed, never deleted; hand-typed templates
 * Meta does not list are left as they are.
 */
export async function syncChannelTemplates(s: Services, actor: SyncActor, channelId: string): Promise<TemplateSyncResult> {
  const raw = await readFromMeta(s, actor, channelId);
  const incoming = new Map<string, TemplateContent>();
  let skipped = 0;
  for (const item of raw) {
    const t = syncedTemplateOf(item);
    if (t) incoming.set(keyOf(t), t);
    else skipped++;
  }
  return runTx(s.sql, async (tx) => {
    if (!(await lockChannelForSync(tx, actor.orgId, channelId))) throw actor.fail('NOT_FOUND', 'error.notFound');
    const stored = new Map((await channelTemplates(tx, actor.orgId, channelId)).map((t) => [keyOf(t), t]));
    const result: TemplateSyncResult = { added: 0, updated: 0, removed: 0, unchanged: 0, skipped };
    for (const [key, fetched] of incoming) {
      const existing = stored.get(key);
      // The list names rejections only; a pause's reason came by webhook and stays while the status does.
      const next =
        existing && fetched.statusReason === null && existing.status === fetched.status
          ? { ...fetched, statusReason: existing.statusReason }
          : fetched;
      if (!existing) {
        await insertSyncedTemplate(tx, actor.orgId, channelId, next);
        result.added++;
      } else if (changed(existing, next)) {
        await updateSyncedTemplate(tx, actor.orgId, existing.id, next);
        result.updated++;
      } else {
        await touchSyncedTemplate(tx, actor.orgId, existing.id);
        result.unchanged++;
      }
    }
    const gone = [...stored.values()].filter((t) => t.source === 'meta' && t.removedAt === null && !incoming.has(keyOf(t)));
    await markTemplatesRemoved(
      tx,
      actor.orgId,
      gone.map((t) => t.id),
    );
    result.removed = gone.length;
    const anyChange = result.added + result.updated + result.removed > 0;
    // Every press of the button is recorded; the daily refresh only when it changed something.
    if (actor.userId || anyChange) {
      await audit(tx, {
        orgId: actor.orgId,
        action: 'templates_synced',
        actorUserId: actor.userId,
        ip: actor.ip ?? null,
        details: { channelId, ...result },
      });
    }
    // Agents' pickers and the admin list refetch (client/src/lib/live-events.ts).
    if (anyChange) await s.bus.publish(tx, actor.orgId, 'config.updated', { kind: 'templates', id: channelId });
    return result;
  });
}

/** The daily refresh: every active WhatsApp channel with a Business Account; one failing does not stop the others. */
export async function syncAllTemplates(s: Services): Promise<{ synced: number; failed: number }> {
  const fail = errorsFor('en');
  let synced = 0;
  let failed = 0;
  for (const channel of await channelsToSync(s.sql)) {
    try {
      await syncChannelTemplates(s, { orgId: channel.orgId, userId: null, fail }, channel.id);
      synced++;
    } catch (err) {
      failed++;
      s.log.warn({ err, orgId: channel.orgId, channelId: channel.id }, 'daily WhatsApp template sync failed for a channel');
    }
  }
  return { synced, failed };
}
