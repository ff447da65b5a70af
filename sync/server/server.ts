import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type * as Y from 'yjs';
import { awarenessUser } from '../shared/awareness-user.ts';
import { CloseCode } from '../shared/close-codes.ts';
import { parseDocName, type DocName } from '../shared/doc-name.ts';
import {
  Room,
  SpoofError,
  StoreUnavailableError,
  type Access,
  type AuthorizeUpdate,
  type Conn,
  type DocStore,
  type RoomLimits,
} from './room.ts';
import type { Fanout } from './fanout.ts';
import { groupCommit } from './group-commit.ts';

export interface SyncIdentity {
  userId: string;
  orgId: string;
  sessionId: string;
  /** The user's name in the server's record (their awareness states carry it). */
  name: string;
}

/** What the sync server needs from the rest of Atende, each behind one named hook. */
export interface SyncHooks {
  /** Refuses cross-site upgrades (SPEC §9). */
  isForeignOrigin(req: IncomingMessage): boolean;
  onAuthenticate(req: IncomingMessage): Promise<SyncIdentity | null>;
  /** null: may not open it (not found and forbidden look the same). */
  onAuthorize(who: SyncIdentity, doc: DocName): Promise<{ orgId: string; access: Access; persist: boolean } | null>;
  /**
   * A document's own authorship rule, asked for every edit a writer sends, once its new
   * content is known to be under the writer's own client ids (absent: every such edit is
   * accepted). The sync server knows no document schema; the chat rule lives in Atende.
   */
  authorizeUpdate?: AuthorizeUpdate;
  store: DocStore;
  log: (msg: string, err?: unknown) => void;
  /** Several processes: updates and awareness travel between them (Redis when configured). */
  fanout?: Fanout | null;
}

export interface SyncLimits extends RoomLimits {
  maxMessageBytes: number;
  maxConnectionsPerUser: number;
  idleUnloadMs: number;
  pingMs: number;
}

export const DEFAULT_SYNC_LIMITS: SyncLimits = {
  maxMessageBytes: 2 * 1024 * 1024,
  maxConnectionsPerUser: 50,
  maxBufferedBytes: 8 * 1024 * 1024,
  maxPendingBytes: 16 * 1024 * 1024,
  compactAfterRows: 500,
  idleUnloadMs: 10_000,
  pingMs: 30_000,
};

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`,
  );
}

/**
 * The y-websocket protocol server at /sync/<docName>: authenticated and authorized at the
 * upgrade, one Room per loaded document, stock y-websocket clients welcome.
 */
export class SyncServer {
  private wss: WebSocketServer;
  private rooms = new Map<string, Room>();
  private loading = new Map<string, Promise<Room>>();
  private unloadTimers = new Map<string, NodeJS.Timeout>();
  private ping: NodeJS.Timeout;
  /** Sockets per user, counted from the upgrade (authorizing, loading or in a room) until closed. */
  private sockets = new Map<string, number>();
  /** Set by drain(): no new sockets, no new frames; what was accepted is stored, then every socket closes. */
  private draining = false;
  private drained: Promise<DrainResult> | null = null;
  readonly limits: SyncLimits;

  constructor(
    private hooks: SyncHooks,
    limits: Partial<SyncLimits> = {},
  ) {
    this.limits = { ...DEFAULT_SYNC_LIMITS, ...limits };
    this.hooks = { ...hooks, store: { ...hooks.store, append: groupCommit(hooks.store.append) } };
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.limits.maxMessageBytes });
    this.ping = setInterval(() => this.heartbeat(), this.limits.pingMs);
    this.ping.unref();
    hooks.fanout?.onResync(() => {
      for (const room of this.rooms.values()) void room.resync().catch((err) => this.hooks.log('resync failed', err));
    });
  }

  get loadedDocs(): number {
    return this.rooms.size;
  }

  /** The documents in memory (the chat archiver sweeps them). */
  loadedRooms(): Room[] {
    return [...this.rooms.values()];
  }

  /**
   * A change the server makes itself (archiving old chat messages): `change` reads the
   * current document, stores its update (with whatever must commit with it) and returns it;
   * only then does the room apply and fan it out. Loads the document if needed.
   */
  async changeDoc(orgId: string, doc: DocName, change: (current: Y.Doc) => Promise<Uint8Array | null>): Promise<void> {
    const room = await this.room(doc, { orgId, persist: true });
    room.holds++;
    try {
      const update = await change(room.doc);
      if (update) room.applyStored(update);
    } finally {
      room.holds--;
      this.scheduleUnload(room);
    }
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    let release: (() => void) | null = null;
    try {
      // Draining: open and close at once with "reconnect now" (nothing read, nothing sent), so
      // the client goes to another process without backing off.
      if (this.draining) return this.wss.handleUpgrade(req, socket, head, (ws) => ws.close(CloseCode.ServiceRestart, RESTART_REASON));
      if (this.hooks.isForeignOrigin(req)) return refuse(socket, 403, 'Forbidden');
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      let raw = '';
      try {
        raw = decodeURIComponent(path.slice('/sync/'.length));
      } catch {
        return refuse(socket, 400, 'Bad document name');
      }
      const doc = parseDocName(raw);
      if (!doc) return refuse(socket, 400, 'Bad document name');
      const who = await this.hooks.onAuthenticate(req);
      if (!who) return refuse(socket, 401, 'Unauthorized');
      // Counted before the (async) authorization: a burst of upgrades cannot slip past the cap.
      release = this.reserveSocket(who.userId, socket);
      if (!release) return refuse(socket, 429, 'Too many connections');
      const grant = await this.hooks.onAuthorize(who, doc);
      if (!grant) {
        release();
        return refuse(socket, 403, 'Forbidden');
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => void this.open(ws, who, doc, grant));
    } catch (err) {
      this.hooks.log('sync upgrade failed', err);
      release?.();
      refuse(socket, 503, 'Service Unavailable');
    }
  }

  /**
   * Takes one of the user's slots for this socket until it closes, whatever happens to it
   * (refused, aborted mid-handshake, or a WebSocket that ends later); returns the early
   * release (idempotent), or null when the user has maxConnectionsPerUser already. Per
   * process: with several processes, each allows as many.
   */
  private reserveSocket(userId: string, socket: Duplex): (() => void) | null {
    const held = this.sockets.get(userId) ?? 0;
    if (held >= this.limits.maxConnectionsPerUser) return null;
    this.sockets.set(userId, held + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const n = (this.sockets.get(userId) ?? 1) - 1;
      if (n > 0) this.sockets.set(userId, n);
      else this.sockets.delete(userId);
    };
    socket.once('close', release);
    if (socket.destroyed) release();
    return release;
  }

  private async room(doc: DocName, grant: { orgId: string; persist: boolean }): Promise<Room> {
    const existing = this.rooms.get(doc.name);
    if (existing) return existing;
    let pending = this.loading.get(doc.name);
    if (!pending) {
      const room = new Room(
        grant.orgId,
        doc,
        grant.persist,
        this.hooks.store,
        this.limits,
        this.hooks.log,
        (conn, code) => this.close(conn, code),
        this.hooks.fanout ?? null,
        this.hooks.authorizeUpdate ?? null,
      );
      pending = room.start().then(() => {
        this.rooms.set(doc.name, room);
        return room;
      });
      pending.finally(() => this.loading.delete(doc.name)).catch(() => {});
      this.loading.set(doc.name, pending);
    }
    return pending;
  }

  private async open(
    ws: WebSocket,
    who: SyncIdentity,
    doc: DocName,
    grant: { orgId: string; access: Access; persist: boolean },
  ): Promise<void> {
    const conn: Conn = {
      ws,
      userId: who.userId,
      orgId: grant.orgId,
      sessionId: who.sessionId,
      user: awarenessUser(who.userId, who.name),
      access: grant.access,
      awarenessIds: new Set(),
      alive: true,
      queue: Promise.resolve(),
    };
    // Frames that arrive while the document loads wait in order.
    const early: Uint8Array[] = [];
    let room: Room | null = null;
    ws.on('message', (data: Buffer) => {
      // Draining: frames not taken before stay with their sender, who sends them again to the
      // process it reconnects to (the sync step on connect covers whatever a server lacks).
      if (this.draining) return;
      const frame = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      if (!room) early.push(frame);
      else this.enqueue(room, conn, frame);
    });
    ws.on('pong', () => (conn.alive = true));
    ws.on('close', () => {
      if (room) this.leave(room, conn);
    });
    ws.on('error', () => ws.terminate());
    try {
      room = await this.room(doc, grant);
    } catch (err) {
      this.hooks.log('document load failed', err);
      ws.close(CloseCode.RetryLater, 'document not available, retry later');
      return;
    }
    if (ws.readyState !== ws.OPEN || this.draining) {
      // The client left while the document loaded: nobody else may ever come to unload it.
      this.scheduleUnload(room);
      this.close(conn, CloseCode.ServiceRestart, RESTART_REASON);
      return;
    }
    const timer = this.unloadTimers.get(doc.name);
    if (timer) {
      clearTimeout(timer);
      this.unloadTimers.delete(doc.name);
    }
    room.conns.set(ws, conn);
    room.greet(conn);
    for (const frame of early) this.enqueue(room, conn, frame);
  }

  private enqueue(room: Room, conn: Conn, frame: Uint8Array): void {
    room.inflight++;
    conn.queue = conn.queue.then(() =>
      room
        .receive(conn, frame)
        .catch((err) => {
          // A bad frame closes that socket only. A failure of ours (the database) is not the
          // peer's fault: "retry later", which the stock client answers by reconnecting; the
          // 44xx codes tell it never to come back.
          if (err instanceof StoreUnavailableError) {
            this.hooks.log('sync frame not handled: document store unavailable', err.cause);
            this.close(conn, CloseCode.RetryLater, 'document store unavailable, retry later');
          } else this.close(conn, err instanceof SpoofError ? CloseCode.Forbidden : CloseCode.Malformed);
        })
        .finally(() => {
          // An unload that came meanwhile found the room busy and is already scheduled again.
          room.inflight--;
        }),
    );
  }

  private leave(room: Room, conn: Conn): void {
    room.removeConn(conn);
    if (room.conns.size === 0) room.idle();
    this.scheduleUnload(room);
  }

  private scheduleUnload(room: Room): void {
    if (room.closed || room.conns.size > 0 || this.unloadTimers.has(room.name.name)) return;
    const timer = setTimeout(() => this.unload(room), this.limits.idleUnloadMs);
    timer.unref();
    this.unloadTimers.set(room.name.name, timer);
  }

  /** Idle documents leave memory once their last client is gone (and nothing waits to be stored). */
  private unload(room: Room): void {
    this.unloadTimers.delete(room.name.name);
    if (room.conns.size > 0) return;
    if (room.hasPending()) {
      this.scheduleUnload(room);
      return;
    }
    this.rooms.delete(room.name.name);
    room.destroy();
  }

  close(conn: Conn, code: number, reason = ''): void {
    if (conn.ws.readyState === conn.ws.OPEN || conn.ws.readyState === conn.ws.CONNECTING) conn.ws.close(code, reason);
  }

  /** Closes every socket matching a predicate (a session ended, a user lost access). */
  closeWhere(pred: (conn: Conn, room: Room) => boolean, code: number): number {
    let n = 0;
    for (const room of this.rooms.values()) {
      for (const conn of room.conns.values()) {
        if (pred(conn, room)) {
          this.close(conn, code);
          n++;
        }
      }
    }
    return n;
  }

  /**
   * Drops a document from memory at once (its content was erased): its sockets close with
   * `code` and what it held unstored is discarded, so the old state is neither served nor
   * written back. A client that reconnects must be authorized again and loads what is stored.
   */
  evict(name: string, code: number): boolean {
    const room = this.rooms.get(name);
    if (!room) return false;
    for (const conn of room.conns.values()) this.close(conn, code);
    const timer = this.unloadTimers.get(name);
    if (timer) clearTimeout(timer);
    this.unloadTimers.delete(name);
    this.rooms.delete(name);
    room.destroy();
    return true;
  }

  /** Re-checks access of open connections (a permission changed): downgrade or close. */
  async reauthorize(pred: (conn: Conn, room: Room) => boolean): Promise<void> {
    for (const room of this.rooms.values()) {
      for (const conn of [...room.conns.values()]) {
        if (!pred(conn, room)) continue;
        const grant = await this.hooks
          .onAuthorize({ userId: conn.userId, orgId: conn.orgId, sessionId: conn.sessionId, name: conn.user.name }, room.name)
          .catch(() => null);
        if (!grant) this.close(conn, CloseCode.Forbidden);
        else conn.access = grant.access;
      }
    }
  }

  private heartbeat(): void {
    for (const room of this.rooms.values()) {
      for (const conn of room.conns.values()) {
        if (!conn.alive) {
          conn.ws.terminate();
          continue;
        }
        conn.alive = false;
        conn.ws.ping();
      }
    }
  }

  /**
   * The graceful drain (SIGTERM): new upgrades are closed with 1012 Service Restart and frames
   * that arrive from now on are ignored (their senders send them again elsewhere); every update
   * accepted so far is stored (the group commit runs on), THEN every socket closes with 1012,
   * which clients take as "reconnect now". So each update is stored once: by this process if
   * it was taken here, else by the one its client reconnects to. At `deadline` (epoch ms) the
   * sockets close anyway; what was not stored by then is still in its clients, which send it
   * again on reconnect. Idempotent (a second call gets the first one's result).
   */
  drain(deadline: number): Promise<DrainResult> {
    this.drained ??= (async () => {
      this.draining = true;
      const busy = () => [...this.rooms.values()].filter((r) => r.hasPending()).length;
      while (busy() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const unstored = busy();
      let closed = 0;
      for (const room of this.rooms.values()) {
        for (const conn of room.conns.values()) {
          this.close(conn, CloseCode.ServiceRestart, RESTART_REASON);
          closed++;
        }
      }
      return { closed, unstored };
    })();
    return this.drained;
  }

  async stop(): Promise<void> {
    // Let accepted updates reach the database before the pool closes.
    await this.drain(Date.now() + 5_000);
    clearInterval(this.ping);
    for (const t of this.unloadTimers.values()) clearTimeout(t);
    this.wss.close();
    await this.hooks.fanout?.stop();
  }
}

export interface DrainResult {
  /** Sockets closed with 1012. */
  closed: number;
  /** Documents still holding unstored updates at the deadline (their clients send them again elsewhere). */
  unstored: number;
}

const RESTART_REASON = 'server restarting, reconnect';
