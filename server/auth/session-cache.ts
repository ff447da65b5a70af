import type { Organization } from '../../db/queries/organizations.ts';
import type { SessionRow } from '../../db/queries/sessions.ts';
import type { User } from '../../db/queries/users.ts';
import type { Sql } from '../../db/sql.ts';

/** The channel db/migrations/foundation/0004_auth_notify.sql notifies on. */
export const AUTH_CHANNEL = 'atende_auth';

/** What a request needs about its session, as read from the database (db/queries/sessions.ts). */
export interface SessionEntry {
  session: SessionRow;
  user: User;
  organization: Organization;
  /** The user's teams (the permission rules' "member of the conversation's team"). */
  teamIds: readonly string[];
}

interface Cached extends SessionEntry {
  loadedAt: number;
}

export interface SessionCacheOptions {
  /** Entries kept at most; the least recently used go first. */
  max: number;
  /** A backstop: an entry older than this is read again, whatever the notifications said. */
  ttlMs: number;
}

const DEFAULTS: SessionCacheOptions = { max: 10_000, ttlMs: 30_000 };
/** After a failed LISTEN, the next request tries again no sooner than this. */
const RETRY_MS = 5_000;

/**
 * Sessions of this process, by id, with their user, organization and team ids, so a request
 * costs no database round trip to authenticate (the secret is still checked on every request,
 * against the cached hash). Correct across processes: every change to what an entry carries
 * (a session ended, a user's password, role, deactivation, status or teams, an organization's
 * settings) sends a NOTIFY on 'atende_auth' with its COMMIT (database triggers, so no path
 * can forget it), and every process drops the entries it names. Nothing is cached until the
 * LISTEN is in place; when the LISTEN connection comes back after a loss (notifications may
 * have been missed meanwhile) the whole cache is dropped. A load that raced a notification is
 * not kept, and entries expire after `ttlMs` in any case.
 */
export class SessionCache {
  private entries = new Map<string, Cached>();
  /** Bumped by every invalidation: a load started before one is served but not kept. */
  private epoch = 0;
  private listening = false;
  private starting: Promise<void> | null = null;
  private failedAt = 0;
  private unlisten: (() => Promise<void>) | null = null;
  /** Notifications handled (tests wait on it instead of sleeping). */
  notifications = 0;

  constructor(
    private sql: Sql,
    private options: SessionCacheOptions = DEFAULTS,
  ) {}

  /** Starts listening (once; again after a failure, at most every few seconds). */
  start(): Promise<void> {
    if (this.starting) return this.starting;
    if (Date.now() - this.failedAt < RETRY_MS) return Promise.resolve();
    this.starting = this.sql
      .listen(
        AUTH_CHANNEL,
        (payload) => this.onNotify(payload),
        // Also called after every reconnect of the LISTEN connection: what changed while it
        // was away was not heard, so nothing cached before can be trusted.
        () => {
          this.clear();
          this.listening = true;
        },
      )
      .then((sub) => {
        this.unlisten = () => sub.unlisten();
      })
      .catch(() => {
        this.failedAt = Date.now();
        this.starting = null;
      });
    return this.starting;
  }

  /** Whether entries are kept (the LISTEN is in place). */
  get active(): boolean {
    return this.listening;
  }

  get size(): number {
    return this.entries.size;
  }

  has(sessionId: string): boolean {
    return this.entries.has(sessionId);
  }

  get(sessionId: string, now = Date.now()): SessionEntry | undefined {
    const e = this.entries.get(sessionId);
    if (!e) return undefined;
    this.entries.delete(sessionId);
    if (now - e.loadedAt >= this.options.ttlMs) return undefined;
    // Most recently used last: Map keeps insertion order, eviction takes the first.
    this.entries.set(sessionId, e);
    return e;
  }

  /** The moment a load starts: give it back to `set`, which keeps the entry only if nothing was invalidated since. */
  mark(): number {
    return this.epoch;
  }

  set(sessionId: string, entry: SessionEntry, mark: number, now = Date.now()): void {
    if (!this.listening || mark !== this.epoch) return;
    this.entries.delete(sessionId);
    this.entries.set(sessionId, { ...entry, loadedAt: now });
    while (this.entries.size > this.options.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  /** Updates a cached session's "last verified" after the database's was refreshed. */
  touched(sessionId: string, at: Date): void {
    const e = this.entries.get(sessionId);
    if (e) e.session = { ...e.session, lastVerifiedAt: at };
  }

  dropSession(sessionId: string): void {
    this.epoch++;
    this.entries.delete(sessionId);
  }

  dropUser(userId: string): void {
    this.epoch++;
    for (const [id, e] of this.entries) if (e.session.userId === userId) this.entries.delete(id);
  }

  dropOrganization(orgId: string): void {
    this.epoch++;
    for (const [id, e] of this.entries) if (e.session.orgId === orgId) this.entries.delete(id);
  }

  clear(): void {
    this.epoch++;
    this.entries.clear();
  }

  /** Payload: 's:<session id>', 'u:<user id>', 'o:<organization id>' separated by commas, or '*'. */
  onNotify(payload: string): void {
    this.notifications++;
    for (const key of payload.split(',')) {
      const kind = key.slice(0, 2);
      const id = key.slice(2);
      if (kind === 's:') this.dropSession(id);
      else if (kind === 'u:') this.dropUser(id);
      else if (kind === 'o:') this.dropOrganization(id);
      // '*', or a key this version does not know: drop everything rather than keep a stale entry.
      else this.clear();
    }
  }

  async stop(): Promise<void> {
    this.listening = false;
    this.clear();
    await this.unlisten?.().catch(() => {});
    this.unlisten = null;
  }
}

/** One cache per connection pool (a server process has one); started on first use. */
const caches = new WeakMap<Sql, SessionCache>();
/** Every cache of this process, for the invalidations this process makes itself. */
const all = new Set<WeakRef<SessionCache>>();

export function sessionCacheOf(sql: Sql): SessionCache {
  let cache = caches.get(sql);
  if (!cache) {
    cache = new SessionCache(sql);
    caches.set(sql, cache);
    all.add(new WeakRef(cache));
  }
  if (!cache.active) void cache.start();
  return cache;
}

function everyCache(fn: (cache: SessionCache) => void): void {
  for (const ref of all) {
    const cache = ref.deref();
    if (cache) fn(cache);
    else all.delete(ref);
  }
}

/**
 * This process's own changes take effect here at once, without waiting for the notification
 * (which still comes, after the commit, and drops again whatever was read meanwhile).
 */
export const forgetSession = (sessionId: string): void => everyCache((c) => c.dropSession(sessionId));
export const forgetUser = (userId: string): void => everyCache((c) => c.dropUser(userId));
export const forgetOrganization = (orgId: string): void => everyCache((c) => c.dropOrganization(orgId));
