import type { QueryClient } from '@tanstack/solid-query';
import type { LiveEvent } from '../events.ts';

/**
 * Query keys of the workspace, one place. Every server read goes through TanStack Query
 * under one of these; live events (events.stream) invalidate the affected ones, and the
 * persisted cache (offline) stores them per user.
 */
export const keys = {
  me: ['auth.me'] as const,
  agentMe: ['agents.me'] as const,
  agents: ['agents.list'] as const,
  pauseTypes: ['agents.pauseTypes'] as const,
  queue: ['queue.list'] as const,
  mine: ['conversations.mine'] as const,
  conversation: (id: string) => ['conversations.get', id] as const,
  conversations: ['conversations.get'] as const,
  contact: (id: string) => ['contacts.get', id] as const,
  contacts: ['contacts'] as const,
  contactSearch: (query: string) => ['contacts', 'search', query] as const,
  channelContacts: (channelId: string, query: string) => ['contacts', 'byChannel', channelId, query] as const,
  channels: ['channels.list'] as const,
  templates: (channelId: string) => ['templates.list', channelId] as const,
  canned: ['canned.list'] as const,
  chats: ['chat.list'] as const,
  chatHistory: (roomId: string) => ['chat.history', roomId] as const,
  noteActivity: (contactId: string) => ['notes.activity', contactId] as const,
};

/** Live event → the queries it makes stale (the server sends ids, the client refetches). */
export function applyLiveEvent(queryClient: QueryClient, event: LiveEvent): void {
  const invalidate = (queryKey: readonly unknown[]) => void queryClient.invalidateQueries({ queryKey });
  const type = event.type;
  const conversationId = typeof event.conversationId === 'string' ? event.conversationId : null;
  if (type === 'queue.changed' || type.startsWith('conversation.') || type.startsWith('message.')) {
    invalidate(keys.queue);
    invalidate(keys.mine);
    if (conversationId) invalidate(keys.conversation(conversationId));
    invalidate(['contacts.get']);
  }
  if (type === 'contact.updated') {
    invalidate(keys.contacts);
    if (typeof event.contactId === 'string') invalidate(keys.contact(event.contactId));
    else invalidate(['contacts.get']);
  }
  if (type.startsWith('user.') || type.startsWith('agent.') || type === 'team.updated' || type === 'org.updated') {
    invalidate(keys.agents);
    invalidate(keys.agentMe);
  }
  if (type === 'chat.members') invalidate(keys.chats);
  if (type === 'config.updated') {
    invalidate(keys.channels);
    invalidate(keys.canned);
    invalidate(['templates.list']);
    invalidate(keys.pauseTypes);
  }
}

type Listener = (event: LiveEvent) => void;
const listeners = new Set<Listener>();

/** For side effects of live events (sound and notifications); returns the unsubscribe. */
export function onLiveEvent(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function emitLiveEvent(event: LiveEvent): void {
  for (const l of listeners) l(event);
}
