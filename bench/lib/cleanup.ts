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
