/** In a benchmark's app process: SIGTERM closes the app (its drain), then exits 0, or 1 if closing failed. */
export function stopOnSigterm(app: { close(): Promise<void> }): void {
  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
