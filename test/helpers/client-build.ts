import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const INDEX = path.join(ROOT, 'dist', 'client', 'index.html');
const LOCK = path.join(ROOT, 'dist', '.client-build.lock');
/** What the bundle is made from: a change to any of these makes dist/client stale. */
const SOURCES = ['client', 'i18n', 'shared', path.join('sync', 'shared'), 'vite.config.ts'].map((p) => path.join(ROOT, p));
/** A lock older than this (or whose process is gone) was left by a crashed worker. */
const STALE_LOCK_MS = 120_000;
const WAIT_LIMIT_MS = 180_000;

function newestMtime(entry: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted or renamed file shows up as the folder's mtime
  for (const name of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

function isFresh(): boolean {
  let built: number;
  try {
    built = fs.statSync(INDEX).mtimeMs;
  } catch {
    return false;
  }
  return SOURCES.every((source) => newestMtime(source) <= built);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the lock if its owner died or it is far older than any build takes. */
function clearStaleLock(): void {
  try {
    const stat = fs.statSync(LOCK);
    const pid = Number.parseInt(fs.readFileSync(LOCK, 'utf8'), 10);
    const ownerGone = Number.isInteger(pid) && pid > 0 && !processAlive(pid);
    if (ownerGone || Date.now() - stat.mtimeMs > STALE_LOCK_MS) fs.rmSync(LOCK, { force: true });
  } catch {
    /* gone already */
  }
}

function build(): void {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: ROOT,
    // Vitest sets NODE_ENV=test; the served client must be the production build.
    env: { ...process.env, NODE_ENV: 'production' },
    encoding: 'utf8',
    timeout: WAIT_LIMIT_MS,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`The client build failed (exit ${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  }
  if (!fs.existsSync(INDEX)) throw new Error(`The client build finished but ${INDEX} is missing.`);
}

/**
 * Makes sure dist/client holds a build of the current client/ and i18n/ sources (the
 * server serves it). Builds at most once at a time across test workers: the first worker
 * takes a lock file and builds, the others wait for it and then see a fresh build.
 */
export async function ensureClientBuilt(): Promise<void> {
  // A build under way (lock held) may have written index.html before its assets: wait for it.
  if (isFresh() && !fs.existsSync(LOCK)) return;
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    let fd: number | null = null;
    try {
      fd = fs.openSync(LOCK, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (fd !== null) {
      try {
        fs.writeSync(fd, String(process.pid));
        fs.closeSync(fd);
        // Another worker may have finished a build while we were waiting for the lock.
        if (!isFresh()) build();
        return;
      } finally {
        fs.rmSync(LOCK, { force: true });
      }
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for the client build lock ${LOCK}.`);
    clearStaleLock();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
