import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../db/embedded.ts';
import { freePort } from '../../test/helpers/free-port.ts';

/**
 * The steps that undo what a benchmark started (databases, servers, temp folders), run last
 * first — at the end, or on Ctrl-C / SIGTERM, so an interrupted run leaves nothing behind.
 */
export interface Cleanup {
  add(step: () => Promise<void> | void): void;
  /** Runs the steps once (later calls wait for the same run) and stops listening for signals. */
  run(): Promise<void>;
}

export function cleanupOnExit(what: string): Cleanup {
  const steps: Array<() => Promise<void> | void> = [];
  let running: Promise<void> | null = null;
  const runSteps = () =>
    (running ??= (async () => {
      for (const step of steps.reverse()) {
        try {
          await step();
        } catch (err) {
          console.error('bench cleanup:', err);
        }
      }
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping ${what}…`);
    void runSteps().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    add: (step) => void steps.push(step),
    run() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      return runSteps();
    },
  };
}

/**
 * A temporary folder with an embedded PostgreSQL in it, both removed by the returned cleanup
 * (run it in a `finally`; Ctrl-C runs it too). `name` names the folder, `what` the signal message.
 */
export async function benchDatabase(name: string, what: string): Promise<{ dir: string; db: EmbeddedDatabase; cleanup: Cleanup }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `atende-${name}-`));
  fs.chmodSync(dir, 0o755); // as root, PostgreSQL runs as "postgres" and must reach the folder
  const cleanup = cleanupOnExit(what);
  cleanup.add(() => fs.rmSync(dir, { recursive: true, force: true }));
  try {
    const db = await startEmbeddedDatabase({ dataDir: dir, port: await freePort(), log: (m) => console.error(m) });
    cleanup.add(() => db.stop());
    return { dir, db, cleanup };
  } catch (err) {
    await cleanup.run();
    throw err;
  }
}
