import { useQuery } from '@tanstack/solid-query';
import { keys } from '../../lib/keys.ts';
import { language } from '../../i18n.ts';
import { meQuery } from '../../session.ts';
import { trpc } from '../../trpc.ts';

/** Server reads of the contacts screens, under the workspace's query keys (live events invalidate them). */
export const contactQuery = (id: string) => ({ queryKey: keys.contact(id), queryFn: () => trpc.contacts.get.query({ id }) });
export const mediaQuery = (contactId: string) => ({
  queryKey: keys.media(contactId),
  queryFn: () => trpc.contacts.media.query({ contactId }),
});
export const channelsQuery = () => ({ queryKey: keys.channels, queryFn: () => trpc.channels.list.query(), staleTime: 60_000 });
export const agentsQuery = () => ({ queryKey: keys.agents, queryFn: () => trpc.agents.list.query(), staleTime: 30_000 });

export type ContactDetail = Awaited<ReturnType<typeof trpc.contacts.get.query>>;
export type ContactSummary = Awaited<ReturnType<typeof trpc.contacts.search.query>>[number];
export type Channel = Awaited<ReturnType<typeof trpc.channels.list.query>>[number];

/**
 * A query's data without suspending: under a Suspense boundary, reading `data` of a pending
 * query suspends it (hiding, for instance, the note being typed in while a side query loads
 * or retries offline). Every read of these screens goes through this.
 */
export function settled<T>(query: { isPending: boolean; data: T | undefined }): T | undefined {
  return query.isPending ? undefined : query.data;
}

/** Formats times in the person's time zone (their own, else the organization's) and language. */
export function useTimeFormat() {
  const me = useQuery(meQuery);
  return (at: string | number | Date | null | undefined, withDate = true): string => {
    if (at === null || at === undefined) return '';
    const d = new Date(at);
    if (Number.isNaN(d.getTime())) return '';
    const timeZone = settled(me)?.user.timeZone ?? settled(me)?.organization.timeZone ?? undefined;
    try {
      return new Intl.DateTimeFormat(language(), {
        timeZone,
        ...(withDate ? { dateStyle: 'short' as const } : {}),
        timeStyle: 'short',
      }).format(d);
    } catch {
      return d.toLocaleString(language());
    }
  };
}

/** Agent names by id, for note authors (falls back to "someone" while loading or for removed users). */
export function useAgentNames() {
  const agents = useQuery(agentsQuery);
  return (id: string | null | undefined): string | null => (id ? (settled(agents)?.find((a) => a.id === id)?.name ?? null) : null);
}

/** A stable, readable colour per user, for remote cursors in the notes editor (the sync server derives the same one). */
export { userColor } from '../../../../sync/shared/awareness-user.ts';
