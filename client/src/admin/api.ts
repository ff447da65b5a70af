import { onCleanup } from 'solid-js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { adminKeys } from '../lib/keys.ts';
import { adminKeysForEvent, onLiveEvent } from '../lib/live-events.ts';
import { trpc } from '../trpc.ts';

/** Keeps the admin queries fresh while the admin page is mounted. */
export function useAdminLive(): void {
  const queryClient = useQueryClient();
  const stop = onLiveEvent((event) => {
    for (const queryKey of adminKeysForEvent(event.type)) void queryClient.invalidateQueries({ queryKey });
  });
  onCleanup(stop);
}

export const fetchers = {
  users: () => trpc.admin.users.list.query(),
  teams: () => trpc.admin.teams.list.query(),
  org: () => trpc.admin.org.get.query(),
  channels: () => trpc.admin.channels.list.query(),
  templates: () => trpc.admin.templates.list.query(),
  canned: () => trpc.admin.canned.list.query(),
  tags: () => trpc.admin.tags.list.query(),
  dispositions: () => trpc.admin.dispositions.list.query(),
  pauseTypes: () => trpc.admin.pauseTypes.list.query(),
  monitor: () => trpc.admin.monitor.overview.query(),
};

export type AdminUser = Awaited<ReturnType<typeof fetchers.users>>[number];
export type AdminTeam = Awaited<ReturnType<typeof fetchers.teams>>[number];
export type AdminOrg = Awaited<ReturnType<typeof fetchers.org>>;
export type AdminChannel = Awaited<ReturnType<typeof fetchers.channels>>[number];
export type AdminTemplate = Awaited<ReturnType<typeof fetchers.templates>>[number];
export type AdminCanned = Awaited<ReturnType<typeof fetchers.canned>>[number];
export type AdminTag = Awaited<ReturnType<typeof fetchers.tags>>[number];
export type AdminDisposition = Awaited<ReturnType<typeof fetchers.dispositions>>[number];
export type AdminPauseType = Awaited<ReturnType<typeof fetchers.pauseTypes>>[number];
export type Overview = Awaited<ReturnType<typeof fetchers.monitor>>;
export type MonitorConversation = Overview['conversations'][number];
export type MonitorAgent = Overview['agents'][number];

type Name = keyof typeof fetchers;
type Data<N extends Name> = Awaited<ReturnType<(typeof fetchers)[N]>>;
export function useList<N extends Name>(name: N) {
  return useQuery<Data<N>>(() => ({
    queryKey: adminKeys[name],
    queryFn: fetchers[name] as unknown as () => Promise<Data<N>>,
  }));
}

type Key = readonly unknown[];

/** A mutation that refreshes the given lists when it succeeds. */
export function useSave<I, O>(fn: (input: I) => Promise<O>, refresh: Key[], onDone?: (output: O, input: I) => void) {
  const queryClient = useQueryClient();
  return useMutation(() => ({
    mutationFn: fn,
    onSuccess: async (output: O, input: I) => {
      await Promise.all(refresh.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
      onDone?.(output, input);
    },
  }));
}

export interface Uploaded {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  url: string;
}

/** POST /uploads (multipart) for a canned response's file; the server's sentence on refusal. */
export async function uploadCannedFile(file: File, fallback: string): Promise<Uploaded> {
  const body = new FormData();
  body.append('file', file, file.name);
  let res: Response;
  try {
    res = await fetch('/uploads?purpose=canned', { method: 'POST', body, credentials: 'same-origin' });
  } catch {
    throw new Error(fallback);
  }
  const json = (await res.json().catch(() => null)) as (Uploaded & { error?: { message?: string } }) | null;
  if (!res.ok || !json || json.error) throw new Error(json?.error?.message ?? fallback);
  return json;
}
