import { createMemo, type Accessor } from 'solid-js';
import { acquireDoc, releaseDoc, useSharedDoc } from '../../lib/ydoc.ts';
import { docName } from '../../../../sync/shared/doc-name.ts';
import { holdLocalState, useDocAwareness, type Person } from './awareness.ts';

/**
 * "Connected": every signed-in tab joins the awareness of `presence:<orgId>` with its user
 * (SPEC §7: online / paused / offline is the server's record; whether the agent is really
 * there right now is awareness, never stored). The server opens this document for
 * awareness only.
 *
 * The shell calls, once signed in (through `import()`: this module pulls in Yjs):
 *
 *   const { joinPresence } = await import('../chat/presence.ts');
 *   const leave = joinPresence({ id: me.user.id, name: me.user.name, orgId: me.organization.id });
 *   onCleanup(leave);
 */
export interface PresenceMe extends Person {
  orgId: string;
}

export function joinPresence(me: PresenceMe): () => void {
  const name = docName.presence(me.orgId);
  const sd = acquireDoc(me.id, name);
  const release = holdLocalState(sd, { id: me.id, name: me.name }, false);
  let left = false;
  return () => {
    if (left) return;
    left = true;
    release();
    releaseDoc(name);
  };
}

/**
 * Inside a component: the ids of the users with at least one connected tab (me included
 * while my own connection is up). Holding the document also announces me, so the list is
 * right even before the shell joins.
 */
export function useConnectedUsers(me: Accessor<PresenceMe | null | undefined>): Accessor<Set<string>> {
  const shared = useSharedDoc(
    () => me()?.id,
    () => {
      const orgId = me()?.orgId;
      return orgId ? docName.presence(orgId) : null;
    },
  );
  // Holding the document announces me (same bookkeeping as joinPresence: one state per tab).
  const { peers } = useDocAwareness(shared, me, () => new Map(), { viewing: false });
  return createMemo(() => {
    const ids = new Set(peers().map((p) => p.user.id));
    const sd = shared();
    const m = me();
    if (sd && m && sd.status() === 'connected') ids.add(m.id);
    return ids;
  });
}
