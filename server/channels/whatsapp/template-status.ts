/**
 * Template status changes Meta pushes (webhook field `message_template_status_update`):
 * `{ entry: [{ id: <WABA id>, changes: [{ field: "message_template_status_update", value: {
 * event: "APPROVED" | "REJECTED" | "PAUSED" | "DISABLED" | "REINSTATED" | "FLAGGED" | …,
 * message_template_id, message_template_name, message_template_language, reason,
 * other_info?: { title, description } } }] }] }`. Read apart from messages and statuses
 * (parse.ts), so the messages adapter stays as it is.
 */
import { setSyncedTemplateStatus } from '../../../db/queries/template-sync.ts';
import { runTx } from '../../../db/sql.ts';
import type { Channel } from '../../../db/queries/channels.ts';
import { reasonOf, type TemplateStatus } from '../../domain/whatsapp-templates.ts';
import type { Services } from '../../services/index.ts';

export interface ParsedTemplateStatus {
  wabaId: string;
  metaId: string | null;
  name: string | null;
  language: string | null;
  /** The status it now has; null for events that change none (FLAGGED: still sendable). */
  status: TemplateStatus | null;
  event: string;
  reason: string | null;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);

const EVENTS: Record<string, TemplateStatus | null> = {
  APPROVED: 'approved',
  REINSTATED: 'approved',
  UNPAUSED: 'approved',
  REJECTED: 'rejected',
  PAUSED: 'paused',
  DISABLED: 'disabled',
  PENDING: 'pending',
  IN_APPEAL: 'in_appeal',
  PENDING_DELETION: 'pending_deletion',
  DELETED: 'deleted',
  LIMIT_EXCEEDED: 'limit_exceeded',
  ARCHIVED: 'archived',
  FLAGGED: null,
};

export function parseTemplateStatusUpdates(body: unknown): ParsedTemplateStatus[] {
  const out: ParsedTemplateStatus[] = [];
  for (const entry of arr(obj(body).entry).map(obj)) {
    const wabaId = str(entry.id);
    for (const change of arr(entry.changes).map(obj)) {
      if (str(change.field) !== 'message_template_status_update' || !wabaId) continue;
      const value = obj(change.value);
      const event = (str(value.event) ?? '').toUpperCase();
      if (!(event in EVENTS)) continue;
      const metaId = str(value.message_template_id);
      const name = str(value.message_template_name);
      if (!metaId && !name) continue;
      out.push({
        wabaId,
        metaId,
        name,
        language: str(value.message_template_language),
        status: EVENTS[event] ?? null,
        event,
        reason: reasonOf(value.reason) ?? reasonOf(obj(value.other_info).title),
      });
    }
  }
  return out;
}

/**
 * Applies each update to the templates of the channels it names (by WABA id) that the
 * webhook route may address (`accepts`: the route's signature proves who sent it). Returns
 * how many templates changed.
 */
export async function applyTemplateStatusUpdates(
  s: Services,
  updates: ParsedTemplateStatus[],
  channelsFor: (wabaId: string) => Promise<Channel[]>,
): Promise<number> {
  let changed = 0;
  for (const u of updates) {
    if (!u.status) {
      s.log.info({ event: u.event, template: u.name, wabaId: u.wabaId }, 'WhatsApp template event that changes no status');
      continue;
    }
    const status = u.status;
    for (const channel of await channelsFor(u.wabaId)) {
      await runTx(s.sql, async (tx) => {
        const ids = await setSyncedTemplateStatus(tx, channel, u, status, u.reason);
        if (ids.length) await s.bus.publish(tx, channel.orgId, 'config.updated', { kind: 'templates', id: channel.id });
        changed += ids.length;
      });
    }
  }
  return changed;
}
