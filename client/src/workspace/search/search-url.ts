import type { trpc } from '../../trpc.ts';

export type Hit = Awaited<ReturnType<typeof trpc.search.messages.query>>[number];

/** The filters the URL keeps, besides `q`. */
export const FILTERS = ['from', 'to', 'team', 'channel', 'agent', 'tag', 'disposition'] as const;
export type FilterName = (typeof FILTERS)[number];
export type SearchParams = { q?: string } & { [K in FilterName]?: string };

/**
 * The period as the server takes it: from the start of the first day to the start of the day
 * after the last one, both in this device's time zone (a date field has no zone of its own).
 */
export function dayRange(from: string | undefined, to: string | undefined): { from?: string; to?: string } {
  const start = (day: string) => new Date(`${day}T00:00:00`);
  const valid = (day: string | undefined): day is string => !!day && /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(start(day).getTime());
  const range: { from?: string; to?: string } = {};
  if (valid(from)) range.from = start(from).toISOString();
  if (valid(to)) {
    const end = start(to);
    end.setDate(end.getDate() + 1);
    range.to = end.toISOString();
  }
  return range;
}

/** Where a hit leads: the message in its conversation, the conversation (a protocol), or the contact's notes. */
export function hitHref(hit: Pick<Hit, 'kind' | 'conversationId' | 'messageId' | 'contact'>): string {
  if (hit.kind === 'notes' || !hit.conversationId) return `/contacts/${hit.contact.id}`;
  return hit.messageId ? `/conversations/${hit.conversationId}?message=${hit.messageId}` : `/conversations/${hit.conversationId}`;
}
