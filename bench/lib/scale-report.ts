import os from 'node:os';
import { MACHINE_SATURATED } from './floor-report.ts';
import type { Usage } from './floor-resources.ts';
import { markdownTable, percentile } from './report.ts';
import type { TimedRun } from './scale-load.ts';

/** One workload measured with one process and with two. */
export interface ScaleRun {
  processes: number;
  run: TimedRun;
  usage: Usage;
}

export interface ScaleWorkload {
  name: string;
  unit: string;
  runs: ScaleRun[];
}

const GENERATOR = 'load generator';
const pct = (v: number) => `${Math.round(v * 100)} %`;
const rate = (v: number) => (v < 100 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US'));
const ms = (v: number) => (Number.isNaN(v) ? '–' : v < 10 ? v.toFixed(2) : v.toFixed(1));
const opsPerSecond = (r: ScaleRun) => r.run.operations / r.run.seconds;
const apps = (u: Usage) => [...u.cores.keys()].filter((n) => n.startsWith('app '));
/** Cores used by what this benchmark started: the apps, PostgreSQL, Redis and the generator. */
const ours = (u: Usage) => [...u.cores.values()].reduce((a, b) => a + b, 0) + u.postgresCores;
/** Cores busy on the machine for anything else (other work on a shared machine, the kernel's own). */
const other = (u: Usage) => Math.max(0, u.machineBusy * os.cpus().length - ours(u));
const saturated = (u: Usage) => u.machineBusy + u.steal > MACHINE_SATURATED;
const lockShare = (u: Usage) => u.waits.filter((w) => w.what.startsWith('Lock:')).reduce((a, w) => a + w.share, 0);
/**
 * Above this many cores of other work (a shared machine) in a run, the processes got a
 * scheduler's share of the cores, not what they could use: the ratio is no evidence either way.
 */
const OTHER_WORK_LIMIT = 0.25;
const disturbed = (w: ScaleWorkload) => w.runs.some((r) => other(r.usage) > OTHER_WORK_LIMIT);
const runName = (w: ScaleWorkload, r: ScaleRun) => `${w.name}, ${r.processes === 1 ? '1 process' : `${r.processes} processes`}`;

const idleLine = (u: Usage) =>
  `${apps(u)
    .map((a) => `${a} ${pct(u.cores.get(a)!)}`)
    .join(', ')}, PostgreSQL ${pct(u.postgresCores)}, other work ${pct(other(u))}`;

/** The goal table (1 vs 2 processes), the evidence per run, and what bounds the ratio where the goal is not met. */
export function printScale(
  workloads: ScaleWorkload[],
  info: { goal: number; header: string[]; notes: string[]; idle: Array<{ processes: number; usage: Usage }> },
): void {
  const cores = os.cpus().length;
  const goalRows = workloads.map((w) => {
    const [one, two] = [w.runs.find((r) => r.processes === 1)!, w.runs.find((r) => r.processes === 2)!];
    const ratio = opsPerSecond(two) / opsPerSecond(one);
    return [
      `${w.name} (${w.unit})`,
      rate(opsPerSecond(one)),
      rate(opsPerSecond(two)),
      `${ratio.toFixed(2)}×`,
      `≥ ${info.goal}×`,
      (ratio >= info.goal ? 'met' : 'NOT met') + (disturbed(w) ? ' (inconclusive: shared machine)' : ''),
    ];
  });
  const evidenceRows = workloads.flatMap((w) =>
    w.runs.map((r) => {
      const u = r.usage;
      return [
        runName(w, r),
        rate(opsPerSecond(r)),
        `${ms(percentile(r.run.latenciesMs, 0.5))} / ${ms(percentile(r.run.latenciesMs, 0.99))}`,
        String(r.run.failures),
        apps(u)
          .map((a) => pct(u.cores.get(a)!))
          .join(' + '),
        pct(u.postgresCores),
        pct(u.cores.get('redis') ?? 0),
        pct(u.cores.get(GENERATOR) ?? 0),
        pct(other(u)),
        pct(u.machineBusy + u.steal) + (saturated(u) ? ' SATURATED' : ''),
        ((ours(u) / opsPerSecond(r)) * 1000).toFixed(2),
        ((apps(u).reduce((a, n) => a + u.cores.get(n)!, 0) / opsPerSecond(r)) * 1000).toFixed(2),
        u.busyBackends.toFixed(1),
        u.waits.map((x) => `${x.what} ${pct(x.share)}`).join(', ') || '–',
        `${rate(u.events.perSecond)} (${rate(u.events.transactionsPerSecond)})`,
      ];
    }),
  );

  const notes: string[] = [];
  for (const w of workloads) {
    for (const r of w.runs) {
      if (r.run.failures > 0) notes.push(`- ${runName(w, r)}: ${r.run.failures} failed — ${r.run.failuresSeen.join('; ')}`);
      if (r.run.exhausted) notes.push(`- ${runName(w, r)}: ran out of work after ${r.run.seconds.toFixed(1)} s (the window ended there).`);
    }
    const [one, two] = [w.runs.find((r) => r.processes === 1)!, w.runs.find((r) => r.processes === 2)!];
    const ratio = opsPerSecond(two) / opsPerSecond(one);
    // How far the cores alone let the rate go: the 1-process run's CPU per operation (everything
    // this bench started) into the cores the other work left during the 2-process run.
    const costOne = ours(one.usage) / opsPerSecond(one);
    const free = cores - other(two.usage);
    const coreBound = free / costOne / opsPerSecond(one);
    const lock = lockShare(two.usage);
    const satRuns = w.runs.filter((r) => saturated(r.usage)).map((r) => (r.processes === 1 ? '1 process' : `${r.processes} processes`));
    const verdict =
      ratio >= info.goal
        ? `met (${ratio.toFixed(2)}×)`
        : saturated(two.usage)
          ? `NOT met, bounded by the cores, not by a lock: the 2-process run had the machine saturated ` +
            `(${pct(two.usage.machineBusy + two.usage.steal)} of ${cores} cores busy, ${other(two.usage).toFixed(2)} cores of it other work on this shared machine)` +
            (lock > 0.05
              ? `, though busy backends also waited on a lock in ${pct(lock)} of samples`
              : `; lock waits ${pct(lock)} of busy samples`)
          : lock > 0.2
            ? `NOT met, bounded by a lock: the machine had cores to spare but busy backends waited on a lock in ${pct(lock)} of samples`
            : `NOT met with cores to spare and lock waits at ${pct(lock)} of busy samples: see the app processes' CPU (one near 100 % is its own bound) and the waits`;
    const inconclusive = disturbed(w)
      ? ` INCONCLUSIVE on this machine now: other work took ${other(one.usage).toFixed(2)} / ${other(two.usage).toFixed(2)} cores ` +
        "during the 1- / 2-process runs, so the processes got a scheduler's share of the cores (two processes get two shares), " +
        'not what they could use — rerun on a quiet machine.'
      : '';
    notes.push(
      `- **${w.name}**: ${verdict}.${inconclusive} Machine saturated in: ${satRuns.join(', ') || 'neither run'}. ` +
        `CPU per operation (all that this bench started) ${(costOne * 1000).toFixed(2)} ms with 1 process, ` +
        `${((ours(two.usage) / opsPerSecond(two)) * 1000).toFixed(2)} ms with 2; at the 1-process cost, ${free.toFixed(2)} free cores ` +
        `(${cores} minus the other work during the 2-process run) carry at most ${coreBound.toFixed(2)}× the 1-process rate.`,
    );
  }

  console.log(
    [
      ...info.header,
      '',
      markdownTable(['workload', '1 process (ops/s)', '2 processes (ops/s)', 'ratio', 'goal', 'result'], goalRows),
      '',
      ...notes,
      '',
      '### Evidence: each run’s measured window',
      '',
      markdownTable(
        [
          'run',
          'ops/s',
          'p50 / p99 ms',
          'failed',
          'app CPU',
          'PostgreSQL',
          'Redis',
          'generator',
          'other work',
          'machine busy',
          'CPU ms / op',
          'app CPU ms / op',
          'busy backends',
          'busy backends waited on',
          'events/s (txs/s)',
        ],
        evidenceRows,
      ),
      '',
      ...info.notes,
      `Idle, with no load (${info.idle.map((i) => `${i.usage.seconds.toFixed(0)} s before the ${i.processes === 1 ? '1-process' : `${i.processes}-process`} runs: ${idleLine(i.usage)}`).join('; ')}).`,
      '',
    ].join('\n'),
  );
}
