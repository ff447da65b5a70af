import { monitorEventLoopDelay } from 'node:perf_hooks';
import { cpuTimes } from '../sync/processes.ts';

/** CPU use over one measured run, as a share of one core, and the load generator's event-loop delay. */
export interface CpuEvidence {
  /** Per named process group: CPU seconds over the run ÷ wall seconds (1 = one core busy). */
  cores: Record<string, number>;
  /** This process (the load generator): the same share, and its event-loop delay p99 in ms. */
  generator: number;
  generatorDelayP99Ms: number;
}

/** The load generator counts as saturated past this share of its core or this event-loop delay. */
const GENERATOR_BUSY = 0.9;
const GENERATOR_DELAY_MS = 50;
/** Past this share the generator may already hold the rate down: said, not disqualifying. */
const GENERATOR_NEARLY = 0.8;

/**
 * Starts measuring: `groups` name the processes to watch (pids read again at the end, as
 * PostgreSQL forks backends meanwhile); `stop()` returns what each used.
 */
export function measureCpu(groups: Record<string, () => number[]>): { stop(): CpuEvidence } {
  const sum = (pids: number[]) => pids.reduce((s, pid) => s + cpuTimes(pid).total, 0);
  const before = new Map<string, Map<number, number>>();
  for (const [name, pids] of Object.entries(groups)) before.set(name, new Map(pids().map((pid) => [pid, cpuTimes(pid).total])));
  const generator0 = process.cpuUsage();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const t0 = performance.now();
  return {
    stop() {
      const seconds = (performance.now() - t0) / 1000;
      delay.disable();
      const cores: Record<string, number> = {};
      for (const [name, pids] of Object.entries(groups)) {
        const start = before.get(name)!;
        // A process born during the run counts from zero.
        const now = pids();
        cores[name] = (sum(now) - now.reduce((s, pid) => s + (start.get(pid) ?? 0), 0)) / seconds;
      }
      const used = process.cpuUsage(generator0);
      return {
        cores,
        generator: (used.user + used.system) / 1e6 / seconds,
        generatorDelayP99Ms: delay.percentile(99) / 1e6,
      };
    },
  };
}

export const generatorSaturated = (e: CpuEvidence): boolean => e.generator > GENERATOR_BUSY || e.generatorDelayP99Ms > GENERATOR_DELAY_MS;

/** One line of evidence: each group's share of a core, the generator's, and a flag when it was saturated. */
export function describeCpu(label: string, e: CpuEvidence): string {
  const pct = (v: number) => `${Math.round(v * 100)} %`;
  const groups = Object.entries(e.cores)
    .map(([name, v]) => `${name} ${pct(v)}`)
    .join(', ');
  const flag = generatorSaturated(e)
    ? ' — LOAD GENERATOR SATURATED: this ratio does not count'
    : e.generator > GENERATOR_NEARLY
      ? ' — load generator nearly saturated: this rate may be partly its limit (a lower bound)'
      : '';
  return `${label}: ${groups}; load generator ${pct(e.generator)} (event-loop delay p99 ${e.generatorDelayP99Ms.toFixed(1)} ms)${flag}.`;
}

/** Runs `fn` while measuring the CPU of `groups` and of this process (measureCpu). */
export async function withCpu<T>(groups: Record<string, () => number[]>, fn: () => Promise<T>): Promise<{ result: T; cpu: CpuEvidence }> {
  const probe = measureCpu(groups);
  const result = await fn();
  return { result, cpu: probe.stop() };
}
