import { keys } from './lib/keys.ts';
import { trpc } from './trpc.ts';

export const fetchMe = () => trpc.auth.me.query();

export type Me = Awaited<ReturnType<typeof fetchMe>>;

export const meQuery = () => ({ queryKey: keys.me, queryFn: fetchMe, retry: false });
