import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as Y from 'yjs';
import { percentile } from '../lib/report.ts';
import { inBatches, RawClient, seeded } from './client.ts';
import { cpuTimes, machineCpu, rssBytes } from './processes.ts';

export interface Scenario {
  name: string;
  docs: number;
  clientsPerDoc: number;
  /** Edits per second over all peers, open loop (sent on schedule, whatever the answers do). */
  editsPerSecond: number;
}

/** One server as the load generator sees it. */
export interface Target {
  name: string;
  /** The WebSocket URL of a document. */
  url(doc: string): string;
  /** Headers of the `i`-th peer (a session cookie for ours, nothing for the reference). */
  headers(i: number): Record<string, string>;
  pid: number;
  /** Further processes whose CPU counts as the server's (our PostgreSQL). */
  helperPids(): number[];
}

export interface Timing {
  warmUpMs: number;
  measureMs: number;
  graceMs: number;
  /** Awareness renewal period of the stock client (outdatedTimeout / 2). */
  awarenessRenewMs: number;
  connectConcurrency: number;
}

export interface ScenarioResult {
  latenciesMs: number[];
  p50: number;
  p99: number;
  expected: number;
  delivered: number;
  edits: number;
  serverCpu: number;
  helperCpu: number;
  loadCpu: number;
  /** User-mode CPU of everything else on the machine (other work running meanwhile), and time stolen by the hypervisor. */
  otherCpu: number;
  stealCpu: number;
  peakRss: number;
  /** The load generator's own event-loop delay over the window (p99, max). */
  loopDelayP99: number;
  loopDelayMax: number;
  connectSeconds: number;
  closedDuringRun: number;
  /** Measured edits an observer (a peer that applies every update) lacks after the grace period. */
  observerMissing: number;
  updateFrames: number;
  awarenessFrames: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Connects `docs × clientsPerDoc` raw peers to `target`, sends small inserts at the
 * scenario's rate (a warm-up, then the measured window) from random peers, and records
 * when each measured edit reached each other peer of its document. Deliveries count until
 * the end of the window plus the grace period.
 */
export async function runScenario(
  target: Target,
  scenario: Scenario,
  docNames: string[],
  timing: Timing,
  seed: number,
): Promise<ScenarioResult> {
  const random = seeded(seed);
  const rooms: RawClient[][] = [];
  const all: RawClient[] = [];
  const roomOf = new Map<RawClient, number>();

  // Edit log: sent-at, sender and document of each edit id; a bitmap of the peers that got it.
  const sentAt: number[] = [];
  const sender: RawClient[] = [];
  /** The sender's Yjs clock before the edit: an observer has the edit when its state for that client is past it. */
  const clockOf: number[] = [];
  const seen = new Map<number, Uint8Array>();
  let firstMeasured = Number.POSITIVE_INFINITY;
  let endMeasured = Number.POSITIVE_INFINITY;
  let deadline = Number.POSITIVE_INFINITY;
  const latenciesMs: number[] = [];
  let delivered = 0;
  let expected = 0;
  let onComplete: (() => void) | null = null;

  const onEdits = (client: RawClient, ids: number[], at: number) => {
    if (at > deadline) return;
    for (const id of ids) {
      if (id < firstMeasured || id >= endMeasured) continue;
      if (sender[id] === client) continue;
      const bits = seen.get(id);
      if (!bits || bits[client.local]) continue;
      bits[client.local] = 1;
      delivered++;
      latenciesMs.push(at - sentAt[id]!);
    }
    if (delivered === expected && endMeasured !== Number.POSITIVE_INFINITY) onComplete?.();
  };

  let userIndex = 0;
  for (let d = 0; d < scenario.docs; d++) {
    const room: RawClient[] = [];
    for (let c = 0; c < scenario.clientsPerDoc; c++) {
      // The first peer of each document is its observer.
      const client = new RawClient(c, userIndex++, onEdits, c === 0);
      room.push(client);
      all.push(client);
      roomOf.set(client, d);
    }
    rooms.push(room);
  }

  const renewals: NodeJS.Timeout[] = [];
  try {
    const connectStart = performance.now();
    await inBatches(all, timing.connectConcurrency, (client) =>
      client.connect(target.url(docNames[roomOf.get(client)!]!), target.headers(client.user)),
    );
    const connectSeconds = (performance.now() - connectStart) / 1000;
    // Let the awareness announcements of the connect phase drain.
    await sleep(1_000);

    // Steady state of stock clients: each renews its awareness every 15 s, at its own phase.
    for (const client of all) {
      const first = setTimeout(() => {
        client.renewAwareness();
        renewals.push(setInterval(() => client.renewAwareness(), timing.awarenessRenewMs));
      }, random() * timing.awarenessRenewMs);
      renewals.push(first);
    }

    const intervalMs = 1000 / scenario.editsPerSecond;
    const start = performance.now();
    const measureFrom = start + timing.warmUpMs;
    const stopAt = measureFrom + timing.measureMs;
    let nextAt = start;
    let nextId = 0;
    const sample = () => {
      const server = cpuTimes(target.pid);
      const helpers = target.helperPids().map(cpuTimes);
      return {
        server: server.total,
        helpers: helpers.reduce((n, t) => n + t.total, 0),
        serverUser: server.user + helpers.reduce((n, t) => n + t.user, 0),
        load: process.cpuUsage(),
        machine: machineCpu(),
        wall: performance.now(),
      };
    };
    let cpu0 = sample();
    let peakRss = 0;
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    const rssTimer = setInterval(() => {
      if (performance.now() >= measureFrom) peakRss = Math.max(peakRss, rssBytes(target.pid));
    }, 250);
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        while (nextAt <= now && nextAt < stopAt) {
          if (nextAt >= measureFrom && firstMeasured === Number.POSITIVE_INFINITY) {
            firstMeasured = nextId;
            cpu0 = sample();
            loopDelay.enable();
          }
          const client = all[Math.floor(random() * all.length)]!;
          const id = nextId++;
          sender[id] = client;
          if (firstMeasured !== Number.POSITIVE_INFINITY) {
            seen.set(id, new Uint8Array(scenario.clientsPerDoc));
            expected += scenario.clientsPerDoc - 1;
          }
          clockOf[id] = Y.getState(client.doc.store, client.doc.clientID);
          sentAt[id] = client.edit(id, random);
          nextAt += intervalMs;
        }
        if (nextAt >= stopAt) {
          clearInterval(timer);
          resolve();
        }
      };
      const timer = setInterval(tick, 1);
    });
    endMeasured = nextId;
    loopDelay.disable();
    const cpu1 = sample();
    const measuredWall = (cpu1.wall - cpu0.wall) / 1000;
    const serverCpu = (cpu1.server - cpu0.server) / measuredWall;
    const helpers = (cpu1.helpers - cpu0.helpers) / measuredWall;
    const load = process.cpuUsage(cpu0.load);
    const loadCpu = (load.user + load.system) / 1e6 / measuredWall;
    const ourUser = (cpu1.serverUser - cpu0.serverUser + load.user / 1e6) / measuredWall;
    clearInterval(rssTimer);
    peakRss = Math.max(peakRss, rssBytes(target.pid));

    // Grace: until every delivery is in, or the grace period ends.
    deadline = performance.now() + timing.graceMs;
    if (delivered < expected) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timing.graceMs);
        onComplete = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    onComplete = null;
    for (const t of renewals) clearTimeout(t);

    let observerMissing = 0;
    for (let id = firstMeasured; id < endMeasured; id++) {
      const from = sender[id]!;
      const observer = rooms[roomOf.get(from)!]![0]!;
      if (Y.getState(observer.doc.store, from.doc.clientID) <= clockOf[id]!) observerMissing++;
    }

    return {
      latenciesMs,
      p50: percentile(latenciesMs, 0.5),
      p99: percentile(latenciesMs, 0.99),
      expected,
      delivered,
      edits: endMeasured - firstMeasured,
      serverCpu,
      helperCpu: helpers,
      loadCpu,
      otherCpu: Math.max(0, (cpu1.machine.user - cpu0.machine.user) / measuredWall - ourUser),
      stealCpu: (cpu1.machine.steal - cpu0.machine.steal) / measuredWall,
      peakRss,
      loopDelayP99: loopDelay.percentile(99) / 1e6,
      loopDelayMax: loopDelay.max / 1e6,
      connectSeconds,
      closedDuringRun: all.filter((c) => c.closedWith !== null).length,
      observerMissing,
      updateFrames: all.reduce((n, c) => n + c.updates, 0),
      awarenessFrames: all.reduce((n, c) => n + c.awarenessFrames, 0),
    };
  } finally {
    for (const t of renewals) clearTimeout(t);
    await inBatches(all, 200, (c) => c.close());
  }
}
