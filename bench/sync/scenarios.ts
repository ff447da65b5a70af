import type { Scenario, Timing } from './scenario.ts';

/** The load scenarios of the sync bench (bench/sync.bench.ts; bench/sync/profile.ts runs one). */
export const SCENARIOS: Scenario[] = [
  { name: 'light', docs: 5, clientsPerDoc: 10, editsPerSecond: 50 },
  { name: 'typical', docs: 50, clientsPerDoc: 10, editsPerSecond: 450 },
  { name: 'hot room', docs: 1, clientsPerDoc: 500, editsPerSecond: 90 },
  { name: 'many docs', docs: 100, clientsPerDoc: 10, editsPerSecond: 2400 },
];
export const TIMING: Timing = { warmUpMs: 2_000, measureMs: 10_000, graceMs: 5_000, awarenessRenewMs: 15_000, connectConcurrency: 32 };

/** The first-sync measure: a document of this size (written by peers, then loaded one peer at a time), after a warm-up. */
export const COLD = { bytes: 160 * 1024, warmUp: 3, loads: 20 };
/** The seed of the bench's documents and edits (the same in every run). */
export const SEED = 20_240_611;
