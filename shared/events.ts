/**
 * The catalogue of domain events: every type the server publishes (server/events/bus.ts) and
 * the ids and states each one carries. Events carry ids, never payloads: a listener reloads
 * what it needs. Who may receive each type is one table, server/events/permissions.ts; the
 * browser gets them flattened (`LiveEvent`) through `events.stream`. Imports nothing of ours.
 * Tabs of an older build may receive a type they do not know (they ignore it, or refetch for a
 * conversation event): change what a type carries by adding a type, not by reshaping one.
 */

type AgentStatus = 'online' | 'paused' | 'offline';
type ConversationStatus = 'bot' | 'waiting' | 'active' | 'closed';
type MessageStatus = 'received' | 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed' | 'unknown';

/** Who could see a conversation: what its permission rule and the clients' caches need. */
export interface ConversationRef {
  conversationId: string;
  teamId: string | null;
  assigneeId: string | null;
  targetUserId: string | null;
  contactId: string;
}

/** Colleagues a change removed (a close, a transfer, a leave): they hear of it once more. */
interface Former {
  formerParticipantIds?: string[];
}

type ConversationChange = ConversationRef & Former & { status: ConversationStatus };
type MessageChange = ConversationRef & {
  messageId: string;
  /** The message's status. */
  status: MessageStatus;
  direction: 'in' | 'out';
  /** The conversation's state, so a client can tell whether its Waiting list is concerned. */
  conversationStatus: ConversationStatus;
};

/** Event type → its data. */
export interface EventCatalogue {
  'user.status': { userId: string; status: AgentStatus };
  /** Whether the agent has a live device (or lost the last one less than the grace period ago). */
  'user.presence': { userId: string; connected: boolean };
  'user.created': { userId: string };
  'user.updated': { userId: string };
  'user.deactivated': { userId: string };
  'user.sessions_revoked': { userId: string };
  'session.ended': { sessionId: string; userId: string };
  'agent.pauseOverrun': { userId: string; pauseId: string };
  'team.updated': { teamId: string };
  'org.updated': Record<never, never>;
  'config.updated': { kind: 'channels' | 'templates' | 'canned' | 'tags' | 'dispositions' | 'pauseTypes'; id: string };
  /** `erased`: by an erasure or retention (docs/privacy.md): documents held in memory are dropped. */
  'contact.updated': { contactId: string; erased?: boolean };
  'notes.changed': { contactId: string };
  /** A conversation changed (its status, team, assignee…). */
  'conversation.updated': ConversationChange;
  /** Same as conversation.updated, for a change that concerns Waiting (queued, claimed, timed out). */
  'queue.changed': ConversationChange;
  /** A transfer took it from those named here (the team it left, its agent, its target). */
  'conversation.left': ConversationRef & Former;
  /**
   * Returned to its team's queue by the floor rules (issue 12): `userId` served it and is told
   * why — `no_answer` (the customer waited too long for them), `absent` (no device for too
   * long), `pending_ended` (it was waiting on the customer and they are not available).
   */
  'conversation.returned': ConversationRef & { userId: string; reason: 'no_answer' | 'absent' | 'pending_ended' };
  /** The running service-level target was missed (issue 12): boards and lists colour it. */
  'conversation.slaBreached': ConversationRef & { kind: 'first' | 'next'; dueAt: string };
  /** `userId` was invited or left. */
  'conversation.participants': ConversationRef & Former & { userId: string };
  'message.created': MessageChange;
  'message.status': MessageChange;
  /** `userId` read the conversation up to `seq` (their other tabs clear its unread count). */
  'read.marked': { conversationId: string; userId: string; seq: number };
  'chat.members': { roomId: string };
  'chat.message': { roomId: string };
}

export type EventType = keyof EventCatalogue;
export type EventData<T extends EventType> = EventCatalogue[T];

/** One domain event, narrowed by `type`. */
export type DomainEvent<T extends EventType = EventType> = { [K in T]: { type: K; data: EventData<K> } }[T];

/** The event types about one conversation (they carry `ConversationRef`). */
export type ConversationEventType = { [T in EventType]: EventData<T> extends ConversationRef ? T : never }[EventType];

/** An event's data flattened beside its type, as a tab receives it; narrow it by `type`. */
export type FlatEvent<T extends EventType = EventType> = { [K in T]: { type: K } & EventData<K> }[T];

/** The stream is live (`stream.ready`), or a newer tab of this session took its slot (`stream.replaced`). */
export type StreamSignal = { type: 'stream.ready' | 'stream.replaced' };

/** What `events.stream` sends a tab (its id is the tracked id). */
export type LiveEvent = (FlatEvent | StreamSignal) & { at: string };
