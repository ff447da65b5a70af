import type * as Y from 'yjs';
import { docName } from '../../sync/shared/doc-name.ts';
import { addNoteEntry, noteBody, type EntryMap } from '../../sync/shared/schemas.ts';
import { createSubscriptionClient } from '../../test/helpers/events.ts';
import { connectDoc } from '../../test/helpers/sync.ts';
import { createTestClient, refusalOf, type TestClient } from '../../test/helpers/trpc-client.ts';
import { editIdsIn, marker } from '../sync/client.ts';
import type { AgentSpec } from './floor-protocol.ts';

/** Wall-clock milliseconds with sub-millisecond precision: one clock for every part of the generator. */
export const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const between = (min: number, max: number) => min + Math.random() * (max - min);

/** How the simulated people behave (a busy floor, not a leisurely one). */
export const BEHAVIOUR = {
  /** From seeing a conversation waiting to clicking "claim" (a colleague may be faster; a busy colleague is slower). */
  claimDelayMs: { min: 300, max: 3_000 },
  /** From a customer message on screen to the reply sent. */
  replyDelayMs: { min: 200, max: 800 },
  /** An agent types into its contact note this often (first time at a random phase). */
  noteEveryMs: 10_000,
};

/** Where the agents report what they saw and did; one per generator, shared by all agents. */
export interface FloorRecorder {
  /** A conversation event of interest reached `userId`'s stream at `at`. */
  arrived(eventId: string, userId: string, at: number): void;
  /** A reply with token `token` is about to be sent; returns its text. */
  replying(token: number, at: number): void;
  replied(token: number, ok: boolean): void;
  noteEdited(id: number, at: number): void;
  noteSeen(id: number, at: number): void;
  /** How many messages the customer with this number writes in all (the agent finishes after the last). */
  messagesOf(whatsapp: string): number;
  nextToken(): number;
  claimed(ok: boolean): void;
  finished(): void;
  error(where: string, err: unknown): void;
}

interface Owned {
  inbound: Set<string>;
  total: number;
  /** Replies are sent one after the other per conversation, in the order the messages came. */
  chain: Promise<void>;
  finishing: boolean;
}

interface StreamEvent {
  type: string;
  conversationId?: string;
  messageId?: string;
  status?: string;
  direction?: string;
  teamId?: string | null;
  assigneeId?: string | null;
  targetUserId?: string | null;
}

/**
 * One agent at the screen: signs in through its app process, goes online, keeps a tab's
 * `events.stream`, a /sync presence socket and the notes of a contact it shares with a
 * colleague (both stock y-websocket clients), claims what waits in its team, answers every
 * customer message of its conversations, finishes a conversation after the customer's last
 * message, and types into the shared note every BEHAVIOUR.noteEveryMs.
 */
export class FloorAgent {
  readonly client: TestClient;
  private owned = new Map<string, Owned>();
  /** Inbound message events of a conversation that reached us before our claim answered. */
  private early = new Map<string, string[]>();
  private taken = new Set<string>();
  private closers: Array<() => void> = [];
  private entry: EntryMap | null = null;
  private notesDoc: Y.Doc | null = null;
  private noteTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    readonly spec: AgentSpec,
    private readonly baseUrl: string,
    private readonly orgId: string,
    private readonly recorder: FloorRecorder,
  ) {
    this.client = createTestClient(baseUrl, { 'accept-language': 'en' });
  }

  async signIn(): Promise<void> {
    await this.client.auth.login.mutate({ email: this.spec.email, password: this.spec.password });
    if (!this.client.cookie) throw new Error(`${this.spec.email}: signing in set no cookie`);
    await this.client.agents.setStatus.mutate({ status: 'online' });
  }

  /** Opens the stream (resolves at `stream.ready`) and the two documents (synced), and adds this agent's note entry. */
  async connect(): Promise<void> {
    const cookie = this.client.cookie!;
    let ready!: () => void;
    let failed!: (err: unknown) => void;
    const live = new Promise<void>((resolve, reject) => {
      ready = resolve;
      failed = reject;
    });
    const sub = createSubscriptionClient(this.baseUrl, { cookie }).events.stream.subscribe(
      {},
      {
        onData: (envelope) => {
          const at = now();
          const e = envelope as unknown as { id: string; data: StreamEvent };
          if (e.data.type === 'stream.ready') ready();
          else this.onEvent(e.id, e.data, at);
        },
        onError: (err) => {
          failed(err);
          if (!this.stopped) this.recorder.error('events.stream', err);
        },
      },
    );
    this.closers.push(() => sub.unsubscribe());
    await live;

    const presence = connectDoc(this.baseUrl, docName.presence(this.orgId), cookie);
    this.closers.push(() => presence.destroy());
    presence.provider.awareness.setLocalStateField('user', { name: this.spec.email });
    const notes = connectDoc(this.baseUrl, docName.notes(this.spec.notesContactId), cookie);
    this.closers.push(() => notes.destroy());
    await Promise.all([presence.synced(), notes.synced()]);
    this.notesDoc = notes.doc;
    // What the colleague typed: the edit ids in every update that came from the server.
    notes.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== notes.provider) return;
      const at = now();
      for (const id of editIdsIn(Buffer.from(update))) this.recorder.noteSeen(id, at);
    });
    this.entry = addNoteEntry(notes.doc, this.spec.userId, `Notes of ${this.spec.email}. `);
  }

  /** Starts typing into the note (a first edit at a random phase, then every noteEveryMs). */
  startNotes(): void {
    const tick = () => {
      if (this.stopped) return;
      this.editNote();
      this.noteTimer = setTimeout(tick, BEHAVIOUR.noteEveryMs);
    };
    this.noteTimer = setTimeout(tick, Math.random() * BEHAVIOUR.noteEveryMs);
  }

  private editNote(): void {
    const body = noteBody(this.entry!);
    const id = this.recorder.nextToken();
    this.recorder.noteEdited(id, now());
    // The stock provider sends the update synchronously from the transaction.
    this.notesDoc!.transact(() => body.insert(body.length, `${marker(id)} `));
  }

  private onEvent(eventId: string, e: StreamEvent, at: number): void {
    const cid = e.conversationId;
    if (!cid) return;
    if (e.type === 'queue.changed' && e.status === 'waiting') this.recorder.arrived(eventId, this.spec.userId, at);
    if (e.type === 'message.created' && e.direction === 'in') this.recorder.arrived(eventId, this.spec.userId, at);
    if (this.stopped) return;

    if (e.type === 'queue.changed' && e.status !== 'waiting') this.taken.add(cid);
    if (e.type === 'queue.changed' && e.status === 'waiting' && !e.assigneeId && !e.targetUserId && e.teamId === this.spec.teamId) {
      this.taken.delete(cid);
      void this.claimLater(cid);
    }
    if (e.type === 'message.created' && e.direction === 'in' && e.assigneeId === this.spec.userId && e.messageId) {
      const owned = this.owned.get(cid);
      if (owned) this.inbound(cid, owned, e.messageId);
      else this.early.set(cid, [...(this.early.get(cid) ?? []), e.messageId]);
    }
  }

  private async claimLater(conversationId: string): Promise<void> {
    await sleep(between(BEHAVIOUR.claimDelayMs.min, BEHAVIOUR.claimDelayMs.max));
    // A colleague took it meanwhile (their claim's event reached us): nothing to click.
    if (this.stopped || this.taken.has(conversationId) || this.owned.has(conversationId)) return;
    let view: Awaited<ReturnType<TestClient['conversations']['get']['query']>>;
    try {
      await this.client.conversations.claim.mutate({ conversationId });
      // As the web client does: the claim answers who has it now; the conversation is read again.
      view = await this.client.conversations.get.query({ conversationId });
    } catch (err) {
      const refusal = refusalOf(err);
      // Someone else was faster: what a pull floor does many times a minute.
      if (refusal?.code === 'CONFLICT') return this.recorder.claimed(false);
      return this.recorder.error('conversations.claim', err);
    }
    this.recorder.claimed(true);
    const owned: Owned = {
      inbound: new Set(view.messages.filter((m) => m.direction === 'in').map((m) => m.id)),
      total: this.recorder.messagesOf(view.contact.whatsapp ?? ''),
      chain: Promise.resolve(),
      finishing: false,
    };
    this.owned.set(conversationId, owned);
    // Greets the customer, who has written before anyone took the conversation.
    this.reply(conversationId, owned);
    for (const messageId of this.early.get(conversationId) ?? []) this.inbound(conversationId, owned, messageId);
    this.early.delete(conversationId);
  }

  private inbound(conversationId: string, owned: Owned, messageId: string): void {
    if (owned.inbound.has(messageId)) return;
    owned.inbound.add(messageId);
    this.reply(conversationId, owned);
  }

  private reply(conversationId: string, owned: Owned): void {
    owned.chain = owned.chain.then(async () => {
      await sleep(between(BEHAVIOUR.replyDelayMs.min, BEHAVIOUR.replyDelayMs.max));
      if (this.stopped) return;
      const token = this.recorder.nextToken();
      this.recorder.replying(token, now());
      try {
        await this.client.conversations.send.mutate({
          conversationId,
          text: `Thanks, I am looking into it ${marker(token)}`,
          clientMessageId: `floor-reply-${token}`,
        });
        this.recorder.replied(token, true);
      } catch (err) {
        this.recorder.replied(token, false);
        return this.recorder.error('conversations.send', err);
      }
      if (!owned.finishing && owned.inbound.size >= owned.total) {
        owned.finishing = true;
        try {
          await this.client.conversations.finish.mutate({ conversationId });
          this.recorder.finished();
        } catch (err) {
          this.recorder.error('conversations.finish', err);
        }
      }
    });
  }

  /** Stops acting (claims, replies, notes) but keeps listening: what is in flight still arrives. */
  quiet(): void {
    this.stopped = true;
    if (this.noteTimer) clearTimeout(this.noteTimer);
  }

  async close(): Promise<void> {
    this.quiet();
    await Promise.all([...this.owned.values()].map((o) => o.chain));
    for (const close of this.closers.splice(0)) close();
  }
}
