import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../../server/router.ts';
import { language, t } from './i18n.ts';

/** Plain JSON (no transformer): the same wire format curl or any HTTP client speaks. */
export const trpc = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: httpSubscriptionLink({ url: '/trpc' }),
      // Signed out, the server answers in the page's language (signed in, in the person's own).
      false: httpBatchLink({ url: '/trpc', headers: () => ({ 'accept-language': language() }) }),
    }),
  ],
});

/** The tRPC error code (UNAUTHORIZED, CONFLICT, …) of an error, if the server sent one. */
export function errorCode(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  if (data && typeof data === 'object' && 'code' in data && typeof data.code === 'string') return data.code;
  return undefined;
}

export const isUnauthorized = (error: unknown): boolean => errorCode(error) === 'UNAUTHORIZED';

/**
 * The sentence to show a person: the server's own (already translated) message when the
 * server answered, otherwise our "cannot reach the server" sentence.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError && errorCode(error) && error.message) return error.message;
  return t('error.network');
}
