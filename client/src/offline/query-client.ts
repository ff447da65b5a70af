import { QueryClient } from '@tanstack/solid-query';
import { errorCode } from '../trpc.ts';

/** The one query cache of the tab (persisted per user by persist.ts, cleared at logout). */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Retry only when the server never answered (network); a tRPC error code is final.
      retry: (failures, error) => failures < 3 && errorCode(error) === undefined,
      // Restored from IndexedDB after a reload: keep showing it while offline.
      gcTime: 24 * 60 * 60 * 1000,
    },
    mutations: { retry: false },
  },
});
