/**
 * Every query key of the client, one place. Every server read goes through TanStack Query
 * under one of these; live events (lib/live-events.ts) patch or invalidate the affected ones,
 * and the persisted cache (offline) stores them per user (the admin ones excepted).
 */
export const keys = {
  /** Everything about the signed-in person lives under this one key. */
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
  recentContacts: (channelId: string | null) => ['contacts', 'recent', channelId] as const,
  channels: ['channels.list'] as const,
  templates: (channelId: string) => ['templates.list', channelId] as const,
  canned: ['canned.list'] as const,
  chats: ['chat.list'] as const,
  chatHistory: (roomId: string) => ['chat.history', roomId] as const,
  noteActivity: (contactId: string) => ['notes.activity', contactId] as const,
  // Under 'contacts.get' so the events that refresh a contact's history refresh its gallery too.
  media: (contactId: string) => ['contacts.get', contactId, 'media'] as const,
  tagOptions: ['conversations.tagOptions'] as const,
  dispositionOptions: ['conversations.dispositionOptions'] as const,
  checkLink: (token: string) => ['auth.checkLink', token] as const,
};

/** Query keys of the admin screens (never persisted offline: they start with `admin.`). */
export const adminKeys = {
  users: ['admin.users.list'] as const,
  teams: ['admin.teams.list'] as const,
  org: ['admin.org.get'] as const,
  channels: ['admin.channels.list'] as const,
  templates: ['admin.templates.list'] as const,
  canned: ['admin.canned.list'] as const,
  tags: ['admin.tags.list'] as const,
  dispositions: ['admin.dispositions.list'] as const,
  pauseTypes: ['admin.pauseTypes.list'] as const,
  monitor: ['admin.monitor.overview'] as const,
  audit: ['admin.audit.list'] as const,
};
