import os from 'node:os';
import type { Sql } from '../../db/sql.ts';
import { rssBytes } from '../sync/processes.ts';
import { cpuSnapshot, type CpuSnapshot } from './routing-run.ts';

/** What the machine's processes used during one phase of the whole-floor benchmark. */
export interface Usage {
  seconds: number;
  /** Cores used (CPU seconds ÷ wall seconds) per named process. */
  cores: Map<string, number>;
  /** Peak resident memory per named process (bytes), from samples once a second. */
  peakRss: Map<string, number>;
  /** The postmaster and its backends, together. */
  postgresCores: number;
  /** Client connections in pg_stat_activity: most seen, and on average. */
  connections: { max: number; mean: number };
  /** What busy backends were doing, by share of samples (e.g. `Lock:advisory 0.6`), most first. */
  waits: Array<{ what: string; share: number }>;
  /** Backends busy (not idle) per sample, on average. */
  busyBackends: number;
  /** The organization's events stored per second, and the transactions that stored them. */
  events: { perSecond: number; transactionsPerSecond: number };
  /** Everything busy on the machine, as a share of all its cores (other work on a shared machine included). */
  machineBusy: number;
  steal: number;
}

const WAIT_SAMPLE_MS = 200;

/**
 * Samples, while a phase runs, the CPU time and memory of the named processes (from /proc),
 * of PostgreSQL's processes, PostgreSQL's connection count and what its busy backends wait
 * on (pg_stat_activity every WAIT_SAMPLE_MS), and counts the organization's events.
 */
export class UsageSampler {
  private timers: NodeJS.Timeout[] = [];
  private start: CpuSnapshot | null = null;
  private startedAt = new Date();
  private peak = new Map<string, number>();
  private connections: number[] = [];
  private waits = new Map<string, number>();
  private busy: number[] = [];

  constructor(
    private processes: Record<string, number>,
    private postmaster: number,
    private sql: Sql,
    private orgId: string,
  ) {}

  private sampleMemory(): void {
    for (const [name, pid] of Object.entries(this.processes)) this.peak.set(name, Math.max(this.peak.get(name) ?? 0, rssBytes(pid)));
  }

  private sampleBackends(): void {
    this.sql`
      SELECT state, coalesce(wait_event_type || ':' || wait_event, 'CPU') AS what FROM pg_stat_activity
      WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`.then(
      (rows) => {
        this.connections.push(rows.length);
        const active = rows.filter((r) => r.state !== 'idle');
        this.busy.push(active.length);
        for (const r of active) this.waits.set(r.what as string, (this.waits.get(r.what as string) ?? 0) + 1);
      },
      () => {},
    );
  }

  begin(): void {
    this.start = cpuSnapshot(this.processes, this.postmaster);
    this.startedAt = new Date();
    this.peak.clear();
    this.connections = [];
    this.waits.clear();
    this.busy = [];
    this.sampleMemory();
    this.timers = [setInterval(() => this.sampleMemory(), 1_000), setInterval(() => this.sampleBackends(), WAIT_SAMPLE_MS)];
  }

  async end(): Promise<Usage> {
    for (const t of this.timers.splice(0)) clearInterval(t);
    const s = this.start!;
    const e = cpuSnapshot(this.processes, this.postmaster);
    const seconds = (e.at - s.at) / 1000;
    const cores = new Map([...e.processes].map(([name, cpu]) => [name, (cpu - s.processes.get(name)!) / seconds]));
    // Backends alive at the end (the pools keep theirs for the whole run).
    let pg = 0;
    for (const [pid, cpu] of e.postgres) pg += cpu - (s.postgres.get(pid) ?? 0);
    const [events] = await this.sql`
      SELECT count(*)::int AS n, count(DISTINCT tx::text)::int AS txs FROM events
      WHERE org_id = ${this.orgId} AND at >= ${this.startedAt} AND at < ${new Date()}`;
    const n = os.cpus().length;
    const c = this.connections;
    const busySamples = [...this.waits.values()].reduce((a, b) => a + b, 0);
    return {
      seconds,
      cores,
      peakRss: new Map(this.peak),
      postgresCores: pg / seconds,
      connections: { max: Math.max(0, ...c), mean: c.length ? c.reduce((a, b) => a + b, 0) / c.length : 0 },
      waits: [...this.waits]
        .map(([what, count]) => ({ what, share: count / Math.max(1, busySamples) }))
        .sort((a, b) => b.share - a.share)
        .slice(0, 4),
      busyBackends: this.busy.length ? this.busy.reduce((a, b) => a + b, 0) / this.busy.length : 0,
      events: { perSecond: (events!.n as number) / seconds, transactionsPerSecond: (events!.txs as number) / seconds },
      machineBusy: (e.machine.busy - s.machine.busy) / (seconds * n),
      steal: (e.machine.steal - s.machine.steal) / (seconds * n),
    };
  }
}
