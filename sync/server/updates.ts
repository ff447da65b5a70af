import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

export const MSG_SYNC = 0;
export const MSG_AWARENESS = 1;
export const MSG_QUERY_AWARENESS = 3;

/** The y-websocket frame carrying one document update. */
export function syncUpdateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MSG_SYNC);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** The y-websocket frame carrying an encoded awareness update. */
export function awarenessMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MSG_AWARENESS);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** Whether a delete set removes anything not already deleted in `doc` (or not yet received). */
export function hasNewDeletions(doc: Y.Doc, ds: ReturnType<typeof Y.createDeleteSet>): boolean {
  if (ds.clients.size === 0) return false;
  const here = Y.createDeleteSetFromStructStore(doc.store);
  for (const [client, items] of ds.clients) {
    const known = here.clients.get(client) ?? [];
    for (const d of items) {
      if (d.len === 0) continue;
      const covered = known.some((k) => k.clock <= d.clock && d.clock + d.len <= k.clock + k.len);
      if (!covered) return true;
    }
  }
  return false;
}

/**
 * Rewrites an encoded awareness update entry by entry: `keep` answers the state to keep for
 * a client id (possibly rewritten), or null to drop the entry. Null when nothing is kept.
 */
export async function filterAwarenessUpdate(
  update: Uint8Array,
  keep: (clientId: number, state: string) => Promise<string | null>,
): Promise<Uint8Array | null> {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const kept: [number, number, string][] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const state = await keep(clientId, decoding.readVarString(decoder));
    if (state !== null) kept.push([clientId, clock, state]);
  }
  if (kept.length === 0) return null;
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, kept.length);
  for (const [clientId, clock, state] of kept) {
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, state);
  }
  return encoding.toUint8Array(encoder);
}
