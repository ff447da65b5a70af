import * as Y from 'yjs';
import { notesWithoutText, storeNotesText } from '../../db/queries/notes-text.ts';
import { loadDocUpdates } from '../../db/queries/sync.ts';
import type { Sql } from '../../db/sql.ts';
import { parseDocName } from '../../sync/shared/doc-name.ts';
import { readNotes } from '../../sync/shared/schemas.ts';
import { perKeyThrottle } from '../services/per-key-throttle.ts';

/** The text search reads of a notes document: its entries not deleted, one per line. */
export function notesPlainText(doc: Y.Doc): string {
  return readNotes(doc)
    .filter((e) => !e.deleted && e.body.trim() !== '')
    .map((e) => e.body)
    .join('\n');
}

/** Rebuilds one contact's notes text from what is stored (every process's updates, compacted or not). */
export async function refreshNotesText(sql: Sql, orgId: string, contactId: string): Promise<void> {
  const stored = await loadDocUpdates(sql, orgId, `notes:${contactId}`);
  if (stored.lastId === null) return;
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, Y.mergeUpdates(stored.updates));
    const maxId = stored.ids.reduce((a, b) => (BigInt(b) > BigInt(a) ? b : a));
    await storeNotesText(sql, orgId, contactId, notesPlainText(doc), maxId);
  } finally {
    doc.destroy();
  }
}

/**
 * A contact's notes text is rebuilt at most this often while it is being edited: the first
 * edit is indexed at once, later ones within a second. Rebuilding reads the document's whole
 * stored history, so per keystroke (dozens a second across a busy floor) it was the largest
 * cost of /sync under load (bench/sync/profile.ts, "many docs").
 */
export const NOTES_TEXT_EVERY_MS = 1_000;

/**
 * Called by the document store after notes updates commit: refreshes their text for search
 * off the store's path (the editor never waits for it), per contact at most once per
 * NOTES_TEXT_EVERY_MS, the last state always indexed (services/per-key-throttle.ts).
 */
export function notesTextKeeper(
  sql: Sql,
  log: (msg: string, err: unknown) => void,
  { everyMs = NOTES_TEXT_EVERY_MS, rebuild = refreshNotesText }: { everyMs?: number; rebuild?: typeof refreshNotesText } = {},
) {
  let stopped = false;
  const refresh = perKeyThrottle(
    everyMs,
    (c: { orgId: string; contactId: string }) => `${c.orgId} ${c.contactId}`,
    (c) => rebuild(sql, c.orgId, c.contactId),
    (err) => log('notes text for search not refreshed', err),
  );
  return {
    stored(rows: readonly { orgId: string; docName: string }[]): void {
      if (stopped) return;
      for (const r of rows) {
        const name = parseDocName(r.docName);
        if (name?.kind === 'notes') refresh.signal({ orgId: r.orgId, contactId: name.contactId });
      }
    },
    /** Gives notes stored before search existed their text (once; later edits keep it current). */
    async backfill(): Promise<void> {
      // Each contact once per run: one whose text cannot be stored must not keep the loop going.
      const done = new Set<string>();
      for (;;) {
        const missing = (await notesWithoutText(sql, 200)).filter((n) => !done.has(n.contactId));
        if (missing.length === 0) return;
        for (const n of missing) {
          if (stopped) return;
          done.add(n.contactId);
          await refreshNotesText(sql, n.orgId, n.contactId);
        }
      }
    },
    async stop(): Promise<void> {
      stopped = true;
      await refresh.stop();
    },
  };
}
