import { erasedDocsOfContact } from '../../db/queries/privacy.ts';
import { CloseCode } from '../../sync/shared/close-codes.ts';
import type { SyncServer } from '../../sync/server/server.ts';
import type { Services } from '../services/index.ts';

/**
 * After an erasure (or retention) commits, it announces `contact.updated`; every process drops
 * the contact's erased documents it holds in memory and closes their sockets with 4403, which
 * the stock client takes as final: an open tab cannot write the old notes back (and the
 * database would drop them anyway: db/migrations/privacy/0001). Asks the database only for an
 * erasure's announcement, and only when one of the contact's documents may be loaded here.
 */
export function evictErasedDocs(s: Services, server: SyncServer): () => void {
  return s.bus.subscribe((e) => {
    // Only an erasure's announcement: an ordinary contact edit costs nothing here.
    if (e.type !== 'contact.updated' || e.data.erased !== true) return;
    const { contactId } = e.data;
    const candidates = server
      .loadedRooms()
      .filter(
        (r) => r.orgId === e.orgId && ((r.name.kind === 'notes' && r.name.contactId === contactId) || r.name.kind === 'conversation'),
      );
    if (candidates.length === 0) return;
    void erasedDocsOfContact(s.sql, e.orgId, contactId)
      .then((erased) => {
        for (const room of candidates) if (erased.has(room.name.name)) server.evict(room.name.name, CloseCode.Forbidden);
      })
      .catch((err: unknown) => s.log.warn({ err, contactId }, 'erased documents not dropped from memory'));
  });
}
