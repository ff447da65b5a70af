import postgres from 'postgres';

export type Sql = postgres.Sql<Record<string, never>>;
export type Tx = postgres.TransactionSql<Record<string, never>>;
/** Either the pool or a transaction: queries take this so commands can compose them. */
export type Db = Sql | Tx;

export function createSql(url: string, options: { max?: number } = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    // Dates come back as Date objects; bigint ids as strings (events use them as cursors).
    types: {},
    connection: { application_name: 'atende' },
    // After an outage, reconnect within seconds (the default backs off up to 20 s per connection).
    backoff: (attempt: number) => Math.min(0.1 * 2 ** attempt, 2),
  }) as Sql;
}

interface BeforeCommitHook {
  run: () => Promise<void>;
  /** One statement sent with COMMIT, not waited for before it (see beforeCommit). */
  withCommit: boolean;
}
const beforeCommitHooks = new WeakMap<object, BeforeCommitHook[]>();

/**
 * Runs `hook` at the end of the transaction `db` (inside it, just before COMMIT) when `db` is
 * a transaction opened by runTx; returns false otherwise, so the caller acts at once.
 * `withCommit`: the hook issues exactly one statement at once (before its first await) and
 * nothing after it; it is sent in the same round trip as COMMIT, after every other hook. If it
 * fails, PostgreSQL turns that COMMIT into a rollback and runTx throws its error.
 */
export function beforeCommit(db: Db, hook: () => Promise<void>, options: { withCommit?: boolean } = {}): boolean {
  const hooks = beforeCommitHooks.get(db);
  if (!hooks) return false;
  hooks.push({ run: hook, withCommit: options.withCommit ?? false });
  return true;
}

const afterCommitHooks = new WeakMap<object, Array<() => Promise<void>>>();

/**
 * Runs `hook` once the runTx transaction `db` has committed (the command's answer waits for
 * it; a hook must not throw — the change is already done); returns false when `db` is not one.
 */
export function afterCommit(db: Db, hook: () => Promise<void>): boolean {
  const hooks = afterCommitHooks.get(db);
  if (!hooks) return false;
  hooks.push(hook);
  return true;
}

/**
 * One transaction with a statement timeout, so a stuck query fails instead of holding
 * locks for ever. Every multi-statement command goes through here.
 */
export async function runTx<T>(sql: Sql, fn: (tx: Tx) => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const after: Array<() => Promise<void>> = [];
  const sentWithCommit: Array<Promise<void>> = [];
  const result = (await sql.begin(async (tx) => {
    // Not awaited: postgres.js pipelines BEGIN (patches/postgres+3.4.9.patch) and this ahead of
    // the first statement of `fn` on the same connection, in one round trip; a failure surfaces
    // at the await below.
    const timeout = tx.unsafe(`SET LOCAL statement_timeout = ${Math.floor(timeoutMs)}`);
    timeout.catch(() => {});
    const hooks: BeforeCommitHook[] = [];
    beforeCommitHooks.set(tx, hooks);
    afterCommitHooks.set(tx, after);
    const result = await fn(tx as Tx);
    await timeout;
    for (let i = 0; i < hooks.length; i++) if (!hooks[i]!.withCommit) await hooks[i]!.run();
    // Sent now, answered with COMMIT (postgres.js writes both in one round trip).
    for (const hook of hooks) {
      if (!hook.withCommit) continue;
      const sent = hook.run();
      sent.catch(() => {});
      sentWithCommit.push(sent);
    }
    return result;
  })) as T;
  // A failed statement sent with COMMIT made it a rollback: nothing of the transaction stayed.
  for (const sent of sentWithCommit) await sent;
  for (const hook of after) await hook().catch(() => {});
  return result;
}

/**
 * A SAVEPOINT inside a runTx transaction: when `fn` throws, its writes are rolled back and
 * its beforeCommit hooks (events, metrics) dropped; when it succeeds, its hooks join the
 * transaction's, in order, to run just before COMMIT.
 */
export async function runSavepoint<T>(tx: Tx, fn: (sp: Tx) => Promise<T>): Promise<T> {
  const parent = beforeCommitHooks.get(tx);
  if (!parent) throw new Error('runSavepoint needs a transaction opened by runTx');
  const hooks: BeforeCommitHook[] = [];
  const result = (await tx.savepoint(async (sp) => {
    beforeCommitHooks.set(sp, hooks);
    // After-commit hooks belong to the whole transaction (a rolled-back savepoint's stay: they
    // only say "something may have committed").
    const after = afterCommitHooks.get(tx);
    if (after) afterCommitHooks.set(sp, after);
    return fn(sp as Tx);
  })) as T;
  parent.push(...hooks);
  return result;
}

/** A row still referenced by another (or a reference to a row that is not there): 23503. */
export function isForeignKeyViolation(err: unknown): boolean {
  const e = err as { code?: string } | null;
  return typeof e === 'object' && e !== null && e.code === '23503';
}

/** A unique index refused the write (PostgreSQL 23505); `index` narrows it to one constraint. */
export function isUniqueViolation(err: unknown, index?: string): boolean {
  const e = err as { code?: string; constraint_name?: string } | null;
  return typeof e === 'object' && e !== null && e.code === '23505' && (index === undefined || e.constraint_name === index);
}
