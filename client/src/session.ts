import { trpc } from './trpc.ts';

/** Everything about the signed-in person lives under this one query key. */
export const meKey = ['auth.me'] as const;

export const fetchMe = () => trpc.auth.me.query();

export type Me = Awaited<ReturnType<typeof fetchMe>>;

export const meQuery = () => ({ queryKey: meKey, queryFn: fetchMe, retry: false });
