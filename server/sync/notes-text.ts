import * as Y from 'yjs';
import { notesWithoutText, storeNotesText } from '../../db/queries/notes-text.ts';
import { loadDocUpdates } from '../../db/queries/sync.ts';
import type { Sql } from '../../db/sql.ts';
import { parseDocName } from '../../sync/shared/doc-name.ts';
import { readNotes } from '../../sync/shared/schemas.ts';

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
 * Called by the document store after notes updates commit: refreshes their text for search
 * off the store's path (the editor never waits for it). One refresh per contact at a time; a
 * store during a refresh asks for one more, so the last state is always indexed.
 */
export function notesTextKeeper(sql: Sql, log: (msg: string, err: unknown) => void) {
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  let stopped = false;
  const refresh = (orgId: string, contactId: string) => {
    const key = `${orgId} ${contactId}`;
    if (running.has(key)) {
      again.add(key);
      return;
    }
    const run = (async () => {
      do {
        again.delete(key);
        await refreshNotesText(sql, orgId, contactId).catch((err) => log('notes text for search not refreshed', err));
      } while (again.has(key) && !stopped);
    })().finally(() => running.delete(key));
    running.set(key, run);
  };
  return {
    stored(rows: readonly { orgId: string; docName: string }[]): void {
      if (stopped) return;
      for (const r of rows) {
        const name = parseDocName(r.docName);
        if (name?.kind === 'notes') refresh(r.orgId, name.contactId);
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
      await Promise.all(running.values());
    },
  };
}
