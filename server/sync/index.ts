import type { IncomingMessage } from 'node:http';
import { isChatMember } from '../../db/queries/chat.ts';
import { notesOpenable } from '../../db/queries/privacy.ts';
import { getConversation } from '../../db/queries/conversations.ts';
import { appendDocUpdates, bindClients, compactDoc, loadClientBindings, loadDocUpdates } from '../../db/queries/sync.ts';
import { teamsOfUser } from '../../db/queries/teams.ts';
import { getUser, type User } from '../../db/queries/users.ts';
import { docName, parseDocName, type DocName } from '../../sync/shared/doc-name.ts';
import { CloseCode } from '../../sync/shared/close-codes.ts';
import { SyncServer, type SyncHooks, type SyncIdentity, type SyncLimits } from '../../sync/server/server.ts';
import { RedisFanout } from '../../sync/server/fanout.ts';
import { groupBind } from '../../sync/server/group-commit.ts';
import { validateSessionToken } from '../auth/session.ts';
import { archiveLoadedChats } from '../commands/chat.ts';
import { factsOf } from '../commands/conversations/common.ts';
import { chatUpdateRefusal } from '../domain/chat.ts';
import { docAccess, type DocAccess, type DocViewer } from '../domain/doc-access.ts';
import type { HttpMounts } from '../http/server.ts';
import { isForeignOrigin, sessionTokenOf } from '../http/request.ts';
import type { Services } from '../services/index.ts';
import { timeSyncCommit } from '../services/metrics.ts';
import { notesTextKeeper } from './notes-text.ts';
import { perKeyThrottle } from '../services/per-key-throttle.ts';
import { evictErasedDocs } from '../privacy/sync-eviction.ts';

/** How often, at most, one contact's notes announce `notes.changed` while being edited. */
export const NOTES_ANNOUNCE_MS = 2_000;

/**
 * Tells the organization that a contact's notes changed once their updates are stored, at
 * most once per NOTES_ANNOUNCE_MS per contact (the last change is always announced), so open
 * activity lists refresh live instead of polling. The edits themselves travel over /sync.
 */
function notesAnnouncer(s: Services): { stored(rows: { orgId: string; docName: string }[]): void; stop(): Promise<void> } {
  const announce = perKeyThrottle(
    NOTES_ANNOUNCE_MS,
    (c: { orgId: string; contactId: string }) => c.contactId,
    (c) => s.bus.publish(s.sql, c.orgId, 'notes.changed', { contactId: c.contactId }),
    (err) => s.log.warn({ err }, 'notes.changed not published'),
  );
  return {
    stored(rows) {
      for (const r of rows) {
        const name = parseDocName(r.docName);
        if (name?.kind === 'notes') announce.signal({ orgId: r.orgId, contactId: name.contactId });
      }
    },
    stop: () => announce.stop(),
  };
}

/** Reads what the document rule needs (server/domain/doc-access.ts) and asks it. */
async function accessTo(s: Services, doc: DocName, viewer: DocViewer): Promise<DocAccess | null> {
  switch (doc.kind) {
    case 'presence':
      return docAccess(doc, viewer, {});
    case 'notes':
      // An erased contact's notes stay closed: a stale copy must not be written back (docs/privacy.md).
      return docAccess(doc, viewer, { contactInOrg: await notesOpenable(s.sql, viewer.orgId, doc.contactId) });
    case 'chat':
      return docAccess(doc, viewer, { member: await isChatMember(s.sql, viewer.orgId, doc.roomId, viewer.userId) });
    case 'conversation': {
      const c = await getConversation(s.sql, viewer.orgId, doc.conversationId);
      const [conversation, teams] = c
        ? await Promise.all([factsOf(s.sql, c), teamsOfUser(s.sql, viewer.orgId, viewer.userId)])
        : [null, []];
      return docAccess(doc, viewer, { conversation, teamIds: teams.map((t) => t.id) });
    }
  }
}

/** The /sync hooks: sessions, the document rules, authorship in chat, storage. */
function hooks(s: Services, notes: ReturnType<typeof notesAnnouncer>, notesText: ReturnType<typeof notesTextKeeper>): SyncHooks {
  // The user the session check just read, for the authorization of the same upgrade (one
  // query fewer per connect); re-checks of open sockets get a new identity and read afresh.
  const justAuthenticated = new WeakMap<SyncIdentity, User>();
  // The upgrade an identity came with: its socket, once authorized, is a device of the agent.
  const upgrades = new WeakMap<SyncIdentity, IncomingMessage>();
  return {
    isForeignOrigin: (req: IncomingMessage) => isForeignOrigin(req, s.env.APP_ORIGIN),
    async onAuthenticate(req) {
      const token = sessionTokenOf(req);
      const auth = token
        ? await validateSessionToken(s.sql, token, { idleDays: s.env.SESSION_IDLE_DAYS, maxDays: s.env.SESSION_MAX_DAYS }, s.bus)
        : null;
      if (!auth) return null;
      const who: SyncIdentity = { userId: auth.user.id, orgId: auth.organization.id, sessionId: auth.sessionId, name: auth.user.name };
      justAuthenticated.set(who, auth.user);
      upgrades.set(who, req);
      return who;
    },
    async onAuthorize(who, doc) {
      const user = justAuthenticated.get(who) ?? (await getUser(s.sql, who.orgId, who.userId));
      if (!user || user.deactivatedAt) return null;
      const viewer: DocViewer = {
        orgId: who.orgId,
        userId: who.userId,
        role: user.role,
        historyAccess: user.historyAccess,
        internalChat: user.internalChat,
        deactivated: false,
      };
      const access = await accessTo(s, doc, viewer);
      if (!access) return null;
      const req = upgrades.get(who);
      if (req) {
        // Counted from the upgrade's authorization until its socket closes (re-checks of open
        // sockets come with a new identity and count nothing).
        upgrades.delete(who);
        const leave = s.presence.connect(who.orgId, who.userId);
        req.socket.once('close', leave);
        if (req.socket.destroyed) leave();
      }
      // Presence is awareness only: never stored.
      return { orgId: who.orgId, access, persist: doc.kind !== 'presence' };
    },
    authorizeUpdate: (update) => (update.doc.kind === 'chat' ? chatUpdateRefusal(update) : null),
    store: {
      load: (orgId, name) => loadDocUpdates(s.sql, orgId, name),
      append: async (rows) => {
        await timeSyncCommit(s.metrics, () => appendDocUpdates(s.sql, rows));
        notes.stored(rows);
        notesText.stored(rows);
      },
      bindings: (name) => loadClientBindings(s.sql, name),
      // The binds of one loop iteration in one statement (a burst of connects: one commit, not one each).
      bind: groupBind((binds) => bindClients(s.sql, binds)),
      compact: (orgId, name, merged, snapshot) => compactDoc(s.sql, orgId, name, merged, snapshot),
    },
    log: (msg, err) => s.log.warn({ err }, msg),
    fanout: s.redis ? new RedisFanout(s.redis) : null,
  };
}

export interface RunningSync {
  server: SyncServer;
  mounts: HttpMounts;
  stop(): Promise<void>;
}

/** The /sync endpoint and the event-bus rules that close or re-check its sockets. */
export function startSync(s: Services, limits: Partial<SyncLimits> = {}): RunningSync {
  const notes = notesAnnouncer(s);
  const notesText = notesTextKeeper(s.sql, (msg, err) => s.log.warn({ err }, msg));
  const server = new SyncServer(hooks(s, notes, notesText), limits);
  const backfill = notesText.backfill().catch((err) => s.log.warn({ err }, 'notes text for search not backfilled'));
  s.metrics.watchSync(server);
  const unsubscribe = s.bus.subscribe((e) => {
    if (e.type === 'session.ended') {
      const { sessionId } = e.data;
      server.closeWhere((c) => c.sessionId === sessionId, CloseCode.Unauthorized);
    } else if (e.type === 'user.sessions_revoked' || e.type === 'user.deactivated') {
      const { userId } = e.data;
      server.closeWhere((c) => c.orgId === e.orgId && c.userId === userId, CloseCode.Unauthorized);
    } else if (e.type === 'conversation.updated' || e.type === 'queue.changed' || e.type === 'conversation.participants') {
      const name = docName.conversation(e.data.conversationId);
      void server.reauthorize((_c, room) => room.name.name === name);
    } else if (e.type === 'team.updated' || e.type === 'user.updated') {
      void server.reauthorize((c, room) => c.orgId === e.orgId && (room.name.kind === 'conversation' || room.name.kind === 'chat'));
    } else if (e.type === 'chat.members') {
      void server.reauthorize((c, room) => c.orgId === e.orgId && room.name.kind === 'chat');
    }
  });
  const stopEvictions = evictErasedDocs(s, server);
  // Live chat documents stay small: older messages move to chat_messages_archive.
  const archiver = setInterval(() => void archiveLoadedChats(s.sql, server, (msg, err) => s.log.warn({ err }, msg)), 60_000);
  archiver.unref();
  return {
    server,
    mounts: { routes: [], upgrades: [{ prefix: '/sync', handle: (req, socket, head) => void server.handleUpgrade(req, socket, head) }] },
    async stop() {
      s.metrics.watchSync(null);
      clearInterval(archiver);
      await notes.stop();
      unsubscribe();
      stopEvictions();
      await server.stop();
      await notesText.stop();
      await backfill;
    },
  };
}
