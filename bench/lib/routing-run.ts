import fs from 'node:fs';
import os from 'node:os';
import type { Sql } from '../../db/sql.ts';
import type { TestClient } from '../../test/helpers/app.ts';
import { childrenOf, CLOCK_TICKS, cpuTimes } from '../sync/processes.ts';

/**
 * Pieces of the routing benchmark (bench/routing.bench.ts): an open-loop schedule, the agents
 * who accept what they are offered and finish it, and CPU time per process for saturation.
 */

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Open loop: operation `i` starts at `i / ratePerSecond` s whether or not the earlier ones have
 * finished. Latency runs from the scheduled instant (time spent behind a late schedule counts).
 * `wallAt[i]` is that instant by the wall clock (Date.now()), to compare with the database's.
 */
export async function openLoop<T>(
  count: number,
  ratePerSecond: number,
  operation: (i: number) => Promise<T>,
): Promise<{ results: T[]; latenciesMs: number[]; seconds: number; wallAt: number[] }> {
  const gap = 1000 / ratePerSecond;
  const results = new Array<T>(count);
  const latenciesMs = new Array<number>(count);
  const wallAt = new Array<number>(count);
  const running: Promise<void>[] = [];
  const t0 = performance.now();
  const wall0 = Date.now();
  let next = 0;
  while (next < count) {
    const now = performance.now();
    for (; next < count && t0 + next * gap <= now; next++) {
      const i = next;
      const at = t0 + i * gap;
      wallAt[i] = wall0 + i * gap;
      running.push(
        operation(i).then((r) => {
          results[i] = r;
          latenciesMs[i] = performance.now() - at;
        }),
      );
    }
    await sleep(Math.max(0, Math.min(gap, t0 + next * gap - performance.now())));
  }
  await Promise.all(running);
  return { results, latenciesMs, seconds: (performance.now() - t0) / 1000, wallAt };
}

/**
 * The agents: polls the team's offers every `pollMs` and has the agent each is offered to
 * accept it through their own tRPC client, hold it `holdMs()` and finish it, as a person at
 * the screen would (a busy one: never declining, never letting an offer run out). While
 * `keep` is true, accepted conversations are kept open instead, until finishKept().
 */
export class Agents {
  readonly accepted = new Set<string>();
  readonly finished = new Set<string>();
  readonly errors: unknown[] = [];
  keep = false;
  private kept: { client: TestClient; conversationId: string }[] = [];
  private handled = new Set<string>();
  private work: Promise<void>[] = [];
  private stopped = false;
  private loop: Promise<void> | null = null;

  constructor(
    private sql: Sql,
    private orgId: string,
    private teamId: string,
    private clients: Map<string, TestClient>,
    private holdMs: () => number,
  ) {}

  start(pollMs: number): void {
    this.loop = (async () => {
      while (!this.stopped) {
        await this.poll();
        await sleep(pollMs);
      }
    })();
  }

  private async poll(): Promise<void> {
    const offers = await this.sql`
      SELECT id, offered_to FROM conversations WHERE org_id = ${this.orgId} AND team_id = ${this.teamId} AND offered_to IS NOT NULL`;
    for (const o of offers) {
      const conversationId = o.id as string;
      const key = `${conversationId}:${o.offered_to as string}`;
      if (this.handled.has(key)) continue;
      this.handled.add(key);
      const client = this.clients.get(o.offered_to as string);
      if (!client) {
        this.errors.push(new Error(`${conversationId} was offered to ${o.offered_to as string}, not one of the bench's agents`));
        continue;
      }
      this.work.push(
        (async () => {
          await client.conversations.accept.mutate({ conversationId });
          this.accepted.add(conversationId);
          if (this.keep) {
            this.kept.push({ client, conversationId });
            return;
          }
          await sleep(this.holdMs());
          await client.conversations.finish.mutate({ conversationId });
          this.finished.add(conversationId);
        })().catch((err: unknown) => void this.errors.push(err)),
      );
    }
  }

  /** Resolves once every id is accepted / finished; rejects after `stallMs` with no progress, or at the first agent error. */
  async until(state: 'accepted' | 'finished', ids: readonly string[], stallMs: number): Promise<void> {
    const set = state === 'accepted' ? this.accepted : this.finished;
    let last = -1;
    let progressAt = performance.now();
    for (;;) {
      if (this.errors.length > 0) throw this.errors[0];
      const done = ids.filter((id) => set.has(id)).length;
      if (done === ids.length) return;
      if (done > last) {
        last = done;
        progressAt = performance.now();
      } else if (performance.now() - progressAt > stallMs) {
        throw new Error(`${done} of ${ids.length} conversations ${state}, none more for ${stallMs / 1000} s`);
      }
      await sleep(100);
    }
  }

  /** Finishes the conversations kept open; returns how many. */
  async finishKept(): Promise<number> {
    const list = this.kept.splice(0);
    for (let i = 0; i < list.length; i += 10) {
      await Promise.all(
        list.slice(i, i + 10).map(async ({ client, conversationId }) => {
          await client.conversations.finish.mutate({ conversationId });
          this.finished.add(conversationId);
        }),
      );
    }
    return list.length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await Promise.all(this.work);
  }
}

/** CPU seconds so far of each named process, PostgreSQL (postmaster + backends) and the machine. */
export interface CpuSnapshot {
  at: number;
  processes: Map<string, number>;
  postgres: Map<number, number>;
  machine: { busy: number; steal: number };
}

/** The whole machine's CPU seconds from /proc/stat: busy (all but idle, iowait and steal) and stolen. */
function machineCpu(): { busy: number; steal: number } {
  try {
    const [, user, nice, system, , , irq, softirq, steal] = fs
      .readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]!
      .trim()
      .split(/\s+/)
      .map(Number);
    return { busy: (user! + nice! + system! + irq! + softirq!) / CLOCK_TICKS, steal: steal! / CLOCK_TICKS };
  } catch {
    return { busy: 0, steal: 0 };
  }
}

export function cpuSnapshot(processes: Record<string, number>, postmasterPid: number): CpuSnapshot {
  const postgres = new Map<number, number>();
  for (const pid of [postmasterPid, ...childrenOf(postmasterPid)]) postgres.set(pid, cpuTimes(pid).total);
  return {
    at: performance.now(),
    processes: new Map(Object.entries(processes).map(([name, pid]) => [name, cpuTimes(pid).total])),
    postgres,
    machine: machineCpu(),
  };
}

/**
 * "CPU during <phase>": cores used by each process and by PostgreSQL, and the machine's busy
 * share, flagged when it is saturated (then latencies include waiting for a core).
 */
export function cpuLine(phase: string, a: CpuSnapshot, b: CpuSnapshot): { line: string; saturated: boolean } {
  const wall = (b.at - a.at) / 1000;
  const cores = (s: number) => `${(s / wall).toFixed(2)}`;
  const parts = [...b.processes].map(([name, end]) => `${name} ${cores(end - (a.processes.get(name) ?? 0))}`);
  // Backends alive at the end (a backend that exited meanwhile is missed; the pools keep theirs).
  let pg = 0;
  for (const [pid, end] of b.postgres) pg += end - (a.postgres.get(pid) ?? 0);
  parts.push(`PostgreSQL ${cores(pg)}`);
  const n = os.cpus().length;
  const ours = [...b.processes].reduce((sum, [name, end]) => sum + end - (a.processes.get(name) ?? 0), pg);
  const machine = b.machine.busy - a.machine.busy;
  // Whatever else runs on the machine meanwhile (the kernel's work for our sockets included).
  parts.push(`everything else ${cores(Math.max(0, machine - ours))}`);
  const busy = machine / (wall * n);
  const steal = (b.machine.steal - a.machine.steal) / (wall * n);
  const saturated = busy + steal > 0.9;
  const line =
    `CPU during ${phase} (${wall.toFixed(1)} s; cores used, of ${n}): ${parts.join(', ')}; ` +
    `machine ${(busy * 100).toFixed(0)} % busy` +
    (steal > 0.01 ? `, ${(steal * 100).toFixed(0)} % stolen` : '') +
    (saturated ? ' — SATURATED: latencies include waiting for a core.' : '.');
  return { line, saturated };
}

/** The postmaster's pid, from the data folder of db/embedded.ts. */
export function postmasterPid(pgDir: string): number {
  return Number(fs.readFileSync(`${pgDir}/postmaster.pid`, 'utf8').split('\n')[0]);
}
