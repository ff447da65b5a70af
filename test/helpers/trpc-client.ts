import { createTRPCClient, httpBatchLink, isTRPCClientError, type TRPCClient } from '@trpc/client';
import type { AppRouter } from '../../server/router.ts';

/** The session a test client holds: the cookie the server last set, as a browser keeps it. */
export interface ClientSession {
  readonly baseUrl: string;
  cookie: string | null;
  /** The session token from the cookie (for the SSE and upload tests). */
  readonly token: string | null;
}

/** The app's own typed tRPC client (batched, plain JSON, as client/src/trpc.ts) plus its cookie. */
export type TestClient = TRPCClient<AppRouter> & ClientSession;

/**
 * A typed client of the app at `baseUrl` with a cookie jar of its own; `headers` go with every
 * request (no Origin unless given: a non-browser client).
 */
export function createTestClient(baseUrl: string, headers: Record<string, string> = {}): TestClient {
  const session: ClientSession = {
    baseUrl,
    cookie: null,
    get token() {
      return this.cookie?.split('=')[1] ?? null;
    },
  };
  const trpc = createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: new URL('/trpc', baseUrl),
        fetch: async (url, init) => {
          const res = await fetch(url, {
            ...(init as RequestInit),
            headers: { ...(init?.headers as Record<string, string>), ...(session.cookie ? { cookie: session.cookie } : {}), ...headers },
          });
          for (const c of res.headers.getSetCookie()) {
            const [pair] = c.split(';');
            session.cookie = pair!.endsWith('=') ? null : pair!;
          }
          return res;
        },
      }),
    ],
  });
  // The tRPC client is a proxy of procedure paths; the session's two names sit beside them.
  return new Proxy(trpc, {
    get: (target, prop) => (prop === 'cookie' || prop === 'token' || prop === 'baseUrl' ? session[prop] : Reflect.get(target, prop)),
    set: (_target, prop, value) => {
      if (prop !== 'cookie') return false;
      session.cookie = value as string | null;
      return true;
    },
  }) as TestClient;
}

/** What the server said when it refused a call: HTTP status, tRPC code, message and `data`. */
export interface Refusal {
  status: number;
  code: string;
  message: string;
  data: { reason?: string | null; fieldErrors?: Record<string, string>; [key: string]: unknown };
}

/** The refusal behind a client error, or null when `err` is not one the server sent. */
export function refusalOf(err: unknown): Refusal | null {
  if (!isTRPCClientError<AppRouter>(err) || !err.data) return null;
  const data = err.data as Refusal['data'] & { code: string; httpStatus: number };
  return { status: data.httpStatus, code: data.code, message: err.message, data };
}

/** Awaits a call that must be refused and returns the refusal (fails if it succeeds). */
export async function refusal(p: Promise<unknown>): Promise<Refusal> {
  try {
    await p;
  } catch (e) {
    const r = refusalOf(e);
    if (r) return r;
    throw e;
  }
  throw new Error('expected a refusal');
}

/**
 * Calls a procedure named by its path, for the tables that walk every procedure of the router
 * (test/matrix); everywhere else call it by name, typed: `client.conversations.claim.mutate(…)`.
 */
export function callByPath(client: TestClient, type: 'query' | 'mutation', path: string, input: unknown): Promise<unknown> {
  let node: unknown = client;
  for (const key of path.split('.')) node = (node as Record<string, unknown>)[key];
  const procedure = node as { query(input: unknown): Promise<unknown>; mutate(input: unknown): Promise<unknown> };
  return type === 'query' ? procedure.query(input) : procedure.mutate(input);
}
