import type { WebSocket } from 'ws';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { CloseCode } from '../shared/close-codes.ts';
import type { AwarenessUser } from '../shared/awareness-user.ts';
import type { DocName } from '../shared/doc-name.ts';
import { stampAwarenessUser } from './awareness-identity.ts';
import {
  awarenessMessage,
  filterAwarenessUpdate,
  hasNewDeletions,
  MSG_AWARENESS,
  MSG_QUERY_AWARENESS,
  MSG_SYNC,
  syncUpdateMessage,
} from './updates.ts';
import type { Fanout, FanoutKind } from './fanout.ts';

export type Access = 'write' | 'read' | 'awareness';

export interface Conn {
  ws: WebSocket;
  userId: string;
  orgId: string;
  sessionId: string;
  /** Who this connection's awareness states say they are (the server's record, not the client's claim). */
  user: AwarenessUser;
  access: Access;
  /** Client ids this connection announced in awareness (removed when it leaves). */
  awarenessIds: Set<number>;
  alive: boolean;
  queue: Promise<void>;
}

/** Where documents live; Postgres in production, the same contract in tests. */
export interface DocStore {
  load(orgId: string, docName: string): Promise<{ updates: Uint8Array[]; ids: string[]; rows: number }>;
  append(rows: { orgId: string; docName: string; data: Uint8Array; userId: string | null }[]): Promise<void>;
  bindings(docName: string): Promise<Map<number, string>>;
  bind(orgId: string, docName: string, clientId: number, userId: string): Promise<string>;
  /** Replaces the rows `mergedIds` (as `load` read them) by `snapshot`, their merge. */
  compact(orgId: string, docName: string, mergedIds: string[], snapshot: Uint8Array): Promise<void>;
}

export interface RoomLimits {
  maxBufferedBytes: number;
  maxPendingBytes: number;
  compactAfterRows: number;
}

/**
 * One edit a writer sent, for a document's own authorship rule (SyncHooks.authorizeUpdate).
 * Everything in `added` is written under the writer's own client ids (already checked).
 */
export interface AuthoredUpdate {
  doc: DocName;
  userId: string;
  /** The structs this update adds; those the document already has are left out. */
  added: ReturnType<typeof Y.decodeUpdate>['structs'];
  deleted: ReturnType<typeof Y.decodeUpdate>['ds'];
  /** The user a Yjs client id is bound to in this document, if any. */
  ownerOf(clientId: number): string | undefined;
}

/** A refusal (the socket closes with 4403), or null to accept. */
export type AuthorizeUpdate = (update: AuthoredUpdate) => string | null;

/** Batches of one room committing at once (the next is handed to the store while one commits). */
const MAX_FLUSHES_IN_FLIGHT = 2;

/**
 * Least time between two flushes (and two awareness broadcasts) of a room, by its number of
 * peers: none for ordinary rooms; in a room of hundreds, each broadcast costs a write per
 * peer, so edits (and awareness changes) that arrive within a few ms go out together.
 */
export function paceMs(peers: number): number {
  return peers < 100 ? 0 : Math.min(50, peers / 10);
}

interface Pending {
  conn: Conn;
  update: Uint8Array;
}

/**
 * One document in memory: loaded fully before anyone syncs, written through a group commit
 * (an update reaches PostgreSQL before any other peer sees it), fanned out once per tick.
 */
export class Room {
  private readonly ydoc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.ydoc);
  /**
   * The stored document as loaded, not yet applied to `ydoc`: a first peer is answered with
   * these bytes (they are the whole document) before the room spends time applying them.
   * Any other use of the document applies them first (the `doc` getter).
   */
  private unapplied: Uint8Array | null = null;

  /** The document, with what was loaded applied. */
  get doc(): Y.Doc {
    if (this.unapplied) this.applyLoaded();
    return this.ydoc;
  }

  private applyLoaded(): void {
    const whole = this.unapplied!;
    this.unapplied = null;
    Y.applyUpdate(this.ydoc, whole, 'load');
    // The update handler has just forgotten the whole state; these bytes still are it.
    this.wholeState = whole;
  }

  readonly conns = new Map<WebSocket, Conn>();
  loaded: Promise<void> = Promise.resolve();
  private bindings = new Map<number, string>();
  private pending: Pending[] = [];
  /** Bytes of accepted updates not yet stored (waiting or committing; read by the metrics). */
  pendingBytes = 0;
  private flushScheduled = false;
  private flushesInFlight = 0;
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  /** The apply-and-broadcast of the last batch handed to the store (batches apply in order). */
  private applied: Promise<void> = Promise.resolve();
  private retryMs = 0;
  private rowsSinceCompact = 0;
  closed = false;

  constructor(
    readonly orgId: string,
    readonly name: DocName,
    readonly persist: boolean,
    private store: DocStore,
    private limits: RoomLimits,
    private log: (msg: string, err?: unknown) => void,
    private onBroadcastFailure: (conn: Conn, code: number) => void,
    private fanout: Fanout | null = null,
    private authorizeUpdate: AuthorizeUpdate | null = null,
  ) {
    this.awareness.setLocalState(null);
    this.ydoc.on('update', () => {
      this.wholeState = null;
    });
    this.awareness.on(
      'update',
      ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
        const changed = [...added, ...updated, ...removed];
        if (changed.length === 0) return;
        if (origin !== 'remote' && this.fanout)
          this.fanout.publish(this.name.name, 'awareness', awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
        const from = origin === 'remote' ? null : (origin as Conn | null);
        for (const id of changed) this.awarenessChanged.set(id, from);
        this.scheduleAwareness();
      },
    );
  }

  /** Awareness changes not yet broadcast: client id → the connection it came from (null: not a peer here). */
  private awarenessChanged = new Map<number, Conn | null>();
  private awarenessScheduled = false;
  private lastAwarenessAt = Number.NEGATIVE_INFINITY;

  /**
   * Awareness changes go out batched: those of one loop iteration together (in a room with
   * many peers, those of a few ms), one frame per peer instead of one per change.
   */
  private scheduleAwareness(): void {
    if (this.awarenessScheduled) return;
    this.awarenessScheduled = true;
    const wait = this.lastAwarenessAt + paceMs(this.conns.size) - performance.now();
    if (wait > 0) setTimeout(() => this.broadcastAwareness(), wait).unref();
    else setImmediate(() => this.broadcastAwareness());
  }

  /** Each peer gets the changed states, less those its own connection sent (as before batching). */
  private broadcastAwareness(): void {
    this.awarenessScheduled = false;
    this.lastAwarenessAt = performance.now();
    const changed = this.awarenessChanged;
    this.awarenessChanged = new Map();
    if (this.closed || changed.size === 0) return;
    const origins = new Set<Conn>();
    for (const c of changed.values()) if (c) origins.add(c);
    const all = awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...changed.keys()]));
    for (const conn of this.conns.values()) {
      if (!origins.has(conn)) {
        this.send(conn, all);
        continue;
      }
      const others = [...changed].filter(([, from]) => from !== conn).map(([id]) => id);
      if (others.length > 0) this.send(conn, awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, others)));
    }
  }

  /** Subscribes to other processes first (nothing published meanwhile is missed), then loads. */
  start(): Promise<void> {
    this.loaded = (async () => {
      await this.fanout?.subscribe(this.name.name, (kind, data) => this.applyRemote(kind, data));
      await this.load();
    })();
    return this.loaded;
  }

  /** An update or awareness change another process accepted (and, for updates, stored). */
  applyRemote(kind: FanoutKind, data: Uint8Array): void {
    if (this.closed) return;
    if (kind === 'awareness') {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, data, 'remote');
      return;
    }
    Y.applyUpdate(this.doc, data, 'remote');
    this.broadcast(syncUpdateMessage(data), null);
  }

  /** After a fan-out outage: reload from PostgreSQL and send peers what they missed. */
  async resync(): Promise<void> {
    if (!this.persist || this.closed) return;
    const before = Y.encodeStateVector(this.doc);
    const stored = await this.store.load(this.orgId, this.name.name);
    if (stored.updates.length === 0) return;
    Y.applyUpdate(this.doc, Y.mergeUpdates(stored.updates), 'load');
    const missed = Y.encodeStateAsUpdate(this.doc, before);
    this.broadcast(syncUpdateMessage(missed), null);
  }

  private async load(): Promise<void> {
    if (!this.persist) return;
    const [stored, bindings] = await Promise.all([this.store.load(this.orgId, this.name.name), this.store.bindings(this.name.name)]);
    this.bindings = bindings;
    this.rowsSinceCompact = stored.rows;
    if (stored.updates.length > 0) {
      const whole = stored.updates.length === 1 ? stored.updates[0]! : Y.mergeUpdates(stored.updates);
      // Nothing came from another process meanwhile: what was stored is the whole document,
      // kept as bytes until something needs the document itself (see greet).
      if (this.ydoc.store.clients.size === 0) {
        this.unapplied = whole;
        this.wholeState = whole;
      } else Y.applyUpdate(this.ydoc, whole, 'load');
    }
    if (stored.rows > this.limits.compactAfterRows) void this.compact();
  }

  /**
   * The whole document as one update, kept between changes: a peer that has nothing (a
   * first sync) gets it without the document being encoded again for each one.
   */
  private wholeState: Uint8Array | null = null;

  /** Sync step 2: what the peer with state vector `sv` lacks. */
  private syncStep2(sv: Uint8Array): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MSG_SYNC);
    encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
    // An empty state vector is the single byte 0 (no clients); the whole state is known
    // without the document when it was just loaded (unapplied).
    if (sv.length === 1 && sv[0] === 0) {
      this.wholeState ??= Y.encodeStateAsUpdate(this.doc);
      encoding.writeVarUint8Array(encoder, this.wholeState);
    } else encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(this.doc, sv));
    return encoding.toUint8Array(encoder);
  }

  /**
   * First messages to a new peer: our state vector (ask for what we miss) and everyone's
   * awareness. In a room just loaded, the state vector goes out on the next turn of the loop,
   * after the peer's own sync step 1 (already received, handled in this turn) has been
   * answered from the stored bytes: applying them to the document comes after that answer.
   */
  greet(conn: Conn): void {
    const stepOne = () => {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MSG_SYNC);
      syncProtocol.writeSyncStep1(encoder, this.doc);
      this.send(conn, encoding.toUint8Array(encoder));
    };
    if (this.unapplied)
      setImmediate(() => {
        if (!this.closed && this.conns.get(conn.ws) === conn) stepOne();
      });
    else stepOne();
    const states = [...this.awareness.getStates().keys()];
    if (states.length > 0) {
      this.send(conn, awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, states)));
    }
  }

  /** Handles one frame; throws on a malformed one (the caller closes that socket only). */
  async receive(conn: Conn, data: Uint8Array): Promise<void> {
    const decoder = decoding.createDecoder(data);
    const type = decoding.readVarUint(decoder);
    if (type === MSG_SYNC) {
      const syncType = decoding.readVarUint(decoder);
      if (syncType === syncProtocol.messageYjsSyncStep1) {
        this.send(conn, this.syncStep2(decoding.readVarUint8Array(decoder)));
        return;
      }
      if (syncType !== syncProtocol.messageYjsSyncStep2 && syncType !== syncProtocol.messageYjsUpdate)
        throw new Error('unknown sync message');
      const update = decoding.readVarUint8Array(decoder);
      // Read-only peers (peeking team members, presence) may sync, but their edits are dropped.
      if (conn.access !== 'write' || !this.persist) return;
      await this.accept(conn, update);
      return;
    }
    if (type === MSG_AWARENESS) {
      const own = await this.ownAwareness(conn, decoding.readVarUint8Array(decoder));
      if (own) awarenessProtocol.applyAwarenessUpdate(this.awareness, own, conn);
      return;
    }
    if (type === MSG_QUERY_AWARENESS) {
      this.send(conn, awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()])));
      return;
    }
    throw new Error(`unknown message type ${type}`);
  }

  /**
   * Keeps only the awareness entries of this connection's own client ids. The stock client
   * relays every awareness change it sees (others' included), so foreign entries — echoes or
   * spoofs alike — are dropped, never applied. The `user` of a kept entry is the
   * connection's own, whatever it claimed (what peers see, and what this room keeps).
   */
  private async ownAwareness(conn: Conn, update: Uint8Array): Promise<Uint8Array | null> {
    return filterAwarenessUpdate(update, async (clientId, state) => {
      const mine = conn.awarenessIds.has(clientId) || (await this.claimClient(conn, clientId, this.persist));
      if (!mine) return null;
      conn.awarenessIds.add(clientId);
      return stampAwarenessUser(state, conn.user);
    });
  }

  /** The lasting (document, client id) → user binding; the first user to use an id keeps it. */
  private async claimClient(conn: Conn, clientId: number, lasting: boolean): Promise<boolean> {
    const owner = this.bindings.get(clientId);
    if (owner) return owner === conn.userId;
    for (const other of this.conns.values())
      if (other !== conn && other.userId !== conn.userId && other.awarenessIds.has(clientId)) return false;
    const holder = lasting ? await this.store.bind(this.orgId, this.name.name, clientId, conn.userId).catch(storeFailed) : conn.userId;
    if (lasting) this.bindings.set(clientId, holder);
    return holder === conn.userId;
  }

  /**
   * Checks an update's authorship: new content must be written under the user's own client
   * ids; then the document's own rule, if it has one (in chat, nobody may change or delete
   * another user's items).
   */
  private async accept(conn: Conn, update: Uint8Array): Promise<void> {
    const { structs, ds } = Y.decodeUpdate(update);
    // Structs the document already has are not authored now.
    const added = structs.filter((s) => s.id.clock + s.length > Y.getState(this.doc.store, s.id.client));
    for (const s of added) {
      if (!(await this.claimClient(conn, s.id.client, true))) throw new SpoofError('update under another user\u2019s client id');
    }
    const refusal = this.authorizeUpdate?.({
      doc: this.name,
      userId: conn.userId,
      added,
      deleted: ds,
      ownerOf: (client) => this.bindings.get(client),
    });
    if (refusal) throw new SpoofError(refusal);
    // A sync reply with nothing this document lacks is nobody's edit: not stored, not an activity.
    if (added.length === 0 && !hasNewDeletions(this.doc, ds)) return;
    this.pending.push({ conn, update });
    this.pendingBytes += update.length;
    if (this.pendingBytes > this.limits.maxPendingBytes) {
      // The database is not keeping up (or is down): stop taking edits, keep what we have.
      for (const c of this.conns.values()) this.onBroadcastFailure(c, CloseCode.RetryLater);
    }
    this.scheduleFlush();
  }

  /**
   * Hands what is pending to the store at the end of this turn (the group commit gathers every
   * room's rows of the loop iteration into one INSERT). A room with many peers flushes at most
   * every few milliseconds, so each broadcast carries several edits (one frame per peer each).
   */
  private scheduleFlush(): void {
    if (this.flushScheduled || this.flushesInFlight >= MAX_FLUSHES_IN_FLIGHT) return;
    this.flushScheduled = true;
    const run = () => this.flush();
    const wait = this.retryMs > 0 ? this.retryMs : this.lastFlushAt + paceMs(this.conns.size) - performance.now();
    if (wait > 0) setTimeout(run, wait).unref();
    else process.nextTick(run);
  }

  /**
   * Group commit: one row per user of the batch (one INSERT for every room's rows of the
   * tick), then apply and broadcast one merged update. Batches are pipelined — the next one
   * goes to the store while this one commits — but applied and broadcast in order, each only
   * once it is committed.
   */
  private flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.lastFlushAt = performance.now();
    this.flushesInFlight++;
    const bytes = batch.reduce((n, p) => n + p.update.length, 0);
    const byUser = new Map<string, Uint8Array[]>();
    for (const p of batch) {
      const mine = byUser.get(p.conn.userId);
      if (mine) mine.push(p.update);
      else byUser.set(p.conn.userId, [p.update]);
    }
    const stored = this.store
      .append(
        [...byUser].map(([userId, updates]) => ({
          orgId: this.orgId,
          docName: this.name.name,
          data: updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates),
          userId,
        })),
      )
      .then(
        () => null,
        (err: unknown) => ({ err }),
      );
    const previous = this.applied;
    this.applied = (async () => {
      const failed = await stored;
      await previous;
      this.flushesInFlight--;
      if (failed) {
        // Never drop an accepted update: put the batch back in front and retry with backoff.
        this.pending = [...batch, ...this.pending];
        this.retryMs = Math.min(10_000, Math.max(250, this.retryMs * 2));
        this.log('document store failed; will retry', failed.err);
      } else {
        this.retryMs = 0;
        this.pendingBytes -= bytes;
        this.rowsSinceCompact += byUser.size;
        if (!this.closed) {
          const merged = batch.length === 1 ? batch[0]!.update : Y.mergeUpdates(batch.map((p) => p.update));
          Y.applyUpdate(this.doc, merged, 'stored');
          this.broadcast(syncUpdateMessage(merged), batch.length === 1 ? batch[0]!.conn : null);
          this.fanout?.publish(this.name.name, 'update', merged);
          if (this.rowsSinceCompact > this.limits.compactAfterRows) void this.compact();
        }
      }
      if (this.pending.length > 0) this.scheduleFlush();
    })();
  }

  /** Server-side changes in progress (SyncServer.changeDoc): the room stays loaded meanwhile. */
  holds = 0;
  /**
   * Frames received and not yet handled, of any connection (one that closed included: its
   * last edits still count). The room stays loaded meanwhile, so no edit is ever handled by
   * a room that a newer copy of the document has already replaced.
   */
  inflight = 0;

  hasPending(): boolean {
    return (
      this.pending.length > 0 || this.flushScheduled || this.flushesInFlight > 0 || this.compacting || this.holds > 0 || this.inflight > 0
    );
  }

  /** Applies and fans out an update the server made itself and has already stored (archiving old chat messages). */
  applyStored(update: Uint8Array): void {
    if (this.closed) return;
    this.rowsSinceCompact++;
    Y.applyUpdate(this.doc, update, 'stored');
    this.broadcast(syncUpdateMessage(update), null);
    this.fanout?.publish(this.name.name, 'update', update);
  }

  /** Replaces the merged rows by one snapshot (state vector included in the encoding). */
  private compacting = false;
  async compact(): Promise<void> {
    if (this.compacting || !this.persist) return;
    this.compacting = true;
    try {
      const stored = await this.store.load(this.orgId, this.name.name);
      if (stored.rows < 2) return;
      await this.store.compact(this.orgId, this.name.name, stored.ids, Y.mergeUpdates(stored.updates));
      this.rowsSinceCompact = 1;
    } catch (err) {
      this.log('compaction failed; the rows stay as they are', err);
    } finally {
      this.compacting = false;
    }
  }

  /**
   * The last peer left: what was written since the document was loaded (or compacted) becomes
   * part of one snapshot row, so the next load reads and applies one row instead of many.
   */
  idle(): void {
    if (this.persist && !this.closed && this.rowsSinceCompact > 1) void this.compact();
  }

  broadcast(message: Uint8Array, except: Conn | null): void {
    for (const conn of this.conns.values()) if (conn !== except) this.send(conn, message);
  }

  send(conn: Conn, message: Uint8Array): void {
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    if (conn.ws.bufferedAmount > this.limits.maxBufferedBytes) {
      this.onBroadcastFailure(conn, CloseCode.SlowConsumer);
      return;
    }
    conn.ws.send(message, { binary: true });
  }

  removeConn(conn: Conn): void {
    this.conns.delete(conn.ws);
    const ids = [...conn.awarenessIds].filter((id) => ![...this.conns.values()].some((c) => c.awarenessIds.has(id)));
    if (ids.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, ids, null);
  }

  destroy(): void {
    this.closed = true;
    void this.fanout?.unsubscribe(this.name.name);
    this.awareness.destroy();
    this.unapplied = null;
    this.ydoc.destroy();
  }
}

export class SpoofError extends Error {}

/** The document store failed while a frame was handled: the peer should come back, nothing was taken. */
export class StoreUnavailableError extends Error {}

function storeFailed(err: unknown): never {
  throw new StoreUnavailableError('document store unavailable', { cause: err });
}
