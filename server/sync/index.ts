import type { IncomingMessage } from 'node:http';
import { getContact } from '../../db/queries/contacts.ts';
import { getConversation } from '../../db/queries/conversations.ts';
import { appendDocUpdates, bindClient, compactDoc, loadClientBindings, loadDocUpdates } from '../../db/queries/sync.ts';
import { getUser, type User } from '../../db/queries/users.ts';
import { docName, parseDocName } from '../../sync/shared/doc-name.ts';
import { CloseCode } from '../../sync/shared/close-codes.ts';
import { SyncServer, type SyncHooks, type SyncIdentity, type SyncLimits } from '../../sync/server/server.ts';
import { RedisFanout } from '../../sync/server/fanout.ts';
import { validateSessionToken } from '../auth/session.ts';
import { archiveLoadedChats } from '../commands/chat.ts';
import { actorFor, factsOf } from '../commands/conversations/common.ts';
import { mayView, mayWrite } from '../domain/conversation-access.ts';
import { errorsFor } from '../errors.ts';
import { registerEventRule } from '../events/permissions.ts';
import type { HttpMounts } from '../http/server.ts';
import { isForeignOrigin, sessionTokenOf } from '../http/request.ts';
import type { Services } from '../services/index.ts';

// Notes are readable by every user of the contact's organization (the notes rule of /sync).
registerEventRule('notes.changed', () => true);

/** How often, at most, one contact's notes announce `notes.changed` while being edited. */
export const NOTES_ANNOUNCE_MS = 2_000;

/**
 * Tells the organization that a contact's notes changed once their updates are stored, at
 * most once per NOTES_ANNOUNCE_MS per contact (the last change is always announced), so open
 * activity lists refresh live instead of polling. The edits themselves travel over /sync.
 */
function notesAnnouncer(s: Services): { stored(rows: { orgId: string; docName: string }[]): void; stop(): void } {
  const timers = new Map<string, NodeJS.Timeout>();
  const last = new Map<string, number>();
  const publish = (orgId: string, contactId: string) => {
    last.set(contactId, Date.now());
    void s.bus.publish(s.sql, orgId, 'notes.changed', { contactId }).catch((err) => s.log.warn({ err }, 'notes.changed not published'));
  };
  return {
    stored(rows) {
      for (const r of rows) {
        const name = parseDocName(r.docName);
        if (name?.kind !== 'notes' || timers.has(name.contactId)) continue;
        const wait = (last.get(name.contactId) ?? 0) + NOTES_ANNOUNCE_MS - Date.now();
        if (wait <= 0) {
          publish(r.orgId, name.contactId);
          continue;
        }
        const timer = setTimeout(() => {
          timers.delete(name.contactId);
          publish(r.orgId, name.contactId);
        }, wait);
        timer.unref();
        timers.set(name.contactId, timer);
      }
      if (last.size > 10_000) for (const [id, at] of last) if (Date.now() - at > NOTES_ANNOUNCE_MS) last.delete(id);
    },
    stop() {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}

/** Per-document rules (SPEC §9, issue "Sync"): who may open which document, and how. */
function hooks(s: Services, notes: ReturnType<typeof notesAnnouncer>): SyncHooks {
  // The user the session check just read, for the authorization of the same upgrade (one
  // query fewer per connect); re-checks of open sockets get a new identity and read afresh.
  const justAuthenticated = new WeakMap<SyncIdentity, User>();
  return {
    isForeignOrigin: (req: IncomingMessage) => isForeignOrigin(req, s.env.APP_ORIGIN),
    async onAuthenticate(req) {
      const token = sessionTokenOf(req);
      const auth = token ? await validateSessionToken(s.sql, token, { idleDays: s.env.SESSION_IDLE_DAYS, maxDays: s.env.SESSION_MAX_DAYS }) : null;
      if (!auth) return null;
      const who: SyncIdentity = { userId: auth.user.id, orgId: auth.organization.id, sessionId: auth.sessionId, name: auth.user.name };
      justAuthenticated.set(who, auth.user);
      return who;
    },
    async onAuthorize(who, doc) {
      const user = justAuthenticated.get(who) ?? (await getUser(s.sql, who.orgId, who.userId));
      if (!user || user.deactivatedAt) return null;
      switch (doc.kind) {
        case 'presence':
          return doc.orgId === who.orgId ? { orgId: who.orgId, access: 'awareness', persist: false } : null;
        case 'notes':
          return (await getContact(s.sql, who.orgId, doc.contactId)) ? { orgId: who.orgId, access: 'write', persist: true } : null;
        case 'chat': {
          // "May use internal chat" (SPEC §2) covers the rooms one already has.
          if (!user.internalChat) return null;
          const rows = await s.sql`SELECT 1 FROM chat_members WHERE org_id = ${who.orgId} AND room_id = ${doc.roomId} AND user_id = ${who.userId}`;
          return rows.length > 0 ? { orgId: who.orgId, access: 'write', persist: true } : null;
        }
        case 'conversation': {
          const c = await getConversation(s.sql, who.orgId, doc.conversationId);
          if (!c) return null;
          const actor = await actorFor(s.sql, user, errorsFor('en'), 'en');
          const facts = await factsOf(s.sql, c);
          // The colleague thread: serving agent, invited colleagues and admins write; team members may peek.
          if (mayWrite(facts, actor) || (actor.role === 'admin' && c.status !== 'closed')) return { orgId: who.orgId, access: 'write', persist: true };
          return mayView(facts, actor) ? { orgId: who.orgId, access: 'read', persist: true } : null;
        }
      }
    },
    store: {
      load: (orgId, name) => loadDocUpdates(s.sql, orgId, name),
      append: async (rows) => {
        await appendDocUpdates(s.sql, rows);
        notes.stored(rows);
      },
      bindings: (name) => loadClientBindings(s.sql, name),
      bind: (orgId, name, clientId, userId) => bindClient(s.sql, orgId, name, clientId, userId),
      compact: (orgId, name, upTo, snapshot) => compactDoc(s.sql, orgId, name, upTo, snapshot),
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
  const server = new SyncServer(hooks(s, notes), limits);
  const unsubscribe = s.bus.subscribe((e) => {
    const d = e.data;
    if (e.type === 'session.ended') server.closeWhere((c) => c.sessionId === d.sessionId, CloseCode.Unauthorized);
    else if (e.type === 'user.sessions_revoked' || e.type === 'user.deactivated') server.closeWhere((c) => c.orgId === e.orgId && c.userId === d.userId, CloseCode.Unauthorized);
    else if (['conversation.updated', 'queue.changed', 'conversation.participants'].includes(e.type) && typeof d.conversationId === 'string') {
      const name = docName.conversation(d.conversationId);
      void server.reauthorize((_c, room) => room.name.name === name);
    } else if (e.type === 'team.updated' || e.type === 'user.updated') {
      void server.reauthorize((c, room) => c.orgId === e.orgId && (room.name.kind === 'conversation' || room.name.kind === 'chat'));
    } else if (e.type === 'chat.members') {
      void server.reauthorize((c, room) => c.orgId === e.orgId && room.name.kind === 'chat');
    }
  });
  // Live chat documents stay small: older messages move to chat_messages_archive.
  const archiver = setInterval(() => void archiveLoadedChats(s.sql, server, (msg, err) => s.log.warn({ err }, msg)), 60_000);
  archiver.unref();
  return {
    server,
    mounts: { routes: [], upgrades: [{ prefix: '/sync', handle: (req, socket, head) => void server.handleUpgrade(req, socket, head) }] },
    async stop() {
      clearInterval(archiver);
      notes.stop();
      unsubscribe();
      await server.stop();
    },
  };
}
