import type { PhaseResult, Series } from './floor-protocol.ts';
import type { Usage } from './floor-resources.ts';
import { markdownTable, percentile } from './report.ts';

/** One measured phase of a scenario, with what the machine's processes used meanwhile. */
export interface Measured {
  result: PhaseResult;
  usage: Usage;
}

export interface ScenarioResult {
  name: string;
  processes: number;
  main: Measured;
  probes: Measured[];
  setupSeconds: number;
}

/** Above this share of one core the load generator's own queueing is in its latencies. */
export const GENERATOR_SATURATED = 0.85;
/** Above this share of all cores the machine is saturated: latencies include waiting for a core. */
export const MACHINE_SATURATED = 0.9;

const ms = (v: number) => (Number.isNaN(v) ? '–' : v < 10 ? v.toFixed(2) : v < 1000 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US'));
const rate = (v: number) => (v < 100 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US'));
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const pct = (v: number) => `${Math.round(v * 100)} %`;
const p99 = (s: Series) => percentile(s.latenciesMs, 0.99);
const latency = (s: Series) => `${ms(percentile(s.latenciesMs, 0.5))} / ${ms(p99(s))}`;
const counts = (s: Series) => `${s.latenciesMs.length.toLocaleString('en-US')} / ${s.lost}`;
const ratio = (a: number, b: number) => (Number.isFinite(a / b) && b > 0 ? `${(a / b).toFixed(2)}×` : '–');

export const generatorCores = (u: Usage) => u.cores.get('load generator') ?? 0;
const appNames = (u: Usage) => [...u.cores.keys()].filter((n) => n.startsWith('app '));

/** Where a row's numbers are bent by a saturated side, said in the row. */
export function saturation(m: Measured): string[] {
  const flags: string[] = [];
  if (generatorCores(m.usage) > GENERATOR_SATURATED) flags.push(`load generator SATURATED (${pct(generatorCores(m.usage))} of a core)`);
  if (m.usage.machineBusy + m.usage.steal > MACHINE_SATURATED)
    flags.push(`machine SATURATED (${pct(m.usage.machineBusy + m.usage.steal)} busy)`);
  return flags;
}

/** Whether the floor had cleared the earlier phase's backlog (nothing to send, nothing waiting) when the phase began. */
export const settled = (m: Measured) => m.result.settle.outbound + m.result.settle.waiting === 0;

/** Whether a phase held the bound: both message latencies' p99 under it, nothing lost or refused, the rate reached. */
export function withinBound(m: Measured, boundMs: number): boolean {
  const r = m.result;
  return (
    p99(r.toAgent) <= boundMs &&
    p99(r.toGraph) <= boundMs &&
    r.toAgent.lost + r.toGraph.lost + r.toColleague.lost === 0 &&
    r.webhookFailures === 0 &&
    r.achievedRate >= 0.95 * r.rate
  );
}

export function printFloor(
  scenarios: ScenarioResult[],
  info: {
    agents: number;
    teams: number;
    rate: number;
    seconds: number;
    boundMs: number;
    graceMs: number;
    machine: string;
    notes: string[];
  },
): void {
  const latencyRows = scenarios.map(({ name, main: { result: r } }) => [
    name,
    `${rate(r.achievedRate)} (${rate(r.rate)})`,
    rate(r.repliesPerSecond),
    latency(r.toAgent),
    counts(r.toAgent),
    latency(r.toGraph),
    counts(r.toGraph),
    latency(r.toColleague),
    counts(r.toColleague),
    ms(percentile(r.webhookMs, 0.99)),
  ]);
  const two = scenarios.find((s) => s.processes === 2)?.main.result;
  const one = scenarios.find((s) => s.processes === 1)?.main.result;
  if (two && one) {
    latencyRows.push([
      '2 processes ÷ 1 process',
      ratio(two.achievedRate, one.achievedRate),
      ratio(two.repliesPerSecond, one.repliesPerSecond),
      `p99 ${ratio(p99(two.toAgent), p99(one.toAgent))}`,
      '',
      `p99 ${ratio(p99(two.toGraph), p99(one.toGraph))}`,
      '',
      `p99 ${ratio(p99(two.toColleague), p99(one.toColleague))}`,
      '',
      ratio(percentile(two.webhookMs, 0.99), percentile(one.webhookMs, 0.99)),
    ]);
  }
  const usageRows = scenarios.map(({ name, main }) => {
    const u = main.usage;
    const apps = appNames(u);
    return [
      name,
      `${apps.map((a) => (u.cores.get(a)! * 100).toFixed(0)).join(' + ')} %`,
      apps.map((a) => mb(u.peakRss.get(a)!)).join(' + '),
      pct(u.postgresCores),
      `${u.connections.max} (${u.connections.mean.toFixed(0)})`,
      pct(u.cores.get('redis') ?? 0),
      pct(generatorCores(u)) + (generatorCores(u) > GENERATOR_SATURATED ? ' SATURATED' : ''),
      ms(main.result.loopDelayP99Ms),
      pct(u.machineBusy) + (u.machineBusy + u.steal > MACHINE_SATURATED ? ' SATURATED' : ''),
      `${rate(u.events.perSecond)} (${rate(u.events.transactionsPerSecond)})`,
      u.busyBackends.toFixed(1),
      u.waits.map((w) => `${w.what} ${pct(w.share)}`).join(', ') || '–',
    ];
  });
  const probeRows = scenarios.flatMap(({ name, main, probes }) =>
    [main, ...probes].map((m) => {
      const r = m.result;
      return [
        name,
        rate(r.rate),
        rate(r.achievedRate),
        ms(p99(r.toAgent)),
        ms(p99(r.toGraph)),
        ms(p99(r.toColleague)),
        String(r.toAgent.lost + r.toGraph.lost + r.toColleague.lost + r.webhookFailures),
        appNames(m.usage)
          .map((a) => pct(m.usage.cores.get(a)!))
          .join(' + '),
        pct(generatorCores(m.usage)),
        pct(m.usage.machineBusy),
        (withinBound(m, info.boundMs) ? 'within' : settled(m) ? 'OVER' : 'OVER (earlier backlog)') +
          (saturation(m).length ? ' (saturated)' : ''),
        !settled(m)
          ? `NOT settled in ${r.settle.seconds.toFixed(0)} s (${r.settle.outbound} to send, ${r.settle.waiting} waiting)`
          : `${r.settle.seconds.toFixed(1)} s`,
      ];
    }),
  );
  const capacity = scenarios.map((s) => {
    const held = [s.main, ...s.probes].filter((m) => withinBound(m, info.boundMs));
    const best = held.length ? Math.max(...held.map((m) => m.result.rate)) : 0;
    const bent = held.find((m) => m.result.rate === best && saturation(m).length > 0);
    return { s, best, bent };
  });
  const capTwo = capacity.find((c) => c.s.processes === 2);
  const capOne = capacity.find((c) => c.s.processes === 1);

  const out = [
    `### Whole floor: ${info.agents} agents in ${info.teams} pull teams, customers writing at ${rate(info.rate)} messages/s for ${info.seconds} s`,
    '',
    markdownTable(
      [
        'scenario',
        'customer msgs/s (target)',
        'replies/s',
        'customer → agent p50 / p99 ms',
        'pairs / lost',
        'reply → Graph API p50 / p99 ms',
        'replies / lost',
        'note edit → colleague p50 / p99 ms',
        'edits / lost',
        'webhook p99 ms',
      ],
      latencyRows,
    ),
    '',
    'customer → agent: signed webhook sent → the event on the stream of the agent serving the conversation, or of every member of its team while it waits (each (message, agent) pair counts). ' +
      'reply → Graph API: conversations.send called → the send arriving at the fake Graph API (through the delivery worker of whichever process took it). ' +
      'note edit → colleague: a keystroke in the shared contact note → the update applied by the colleague’s y-websocket client (on the other process when there are two). ' +
      `lost = not arrived ${info.graceMs / 1000} s after the run's last customer message. Ratio row: throughput 2 ÷ 1 (the rate is set, so ≈1 unless one side fell behind), then p99 2 ÷ 1.`,
    '',
    '### Resources during the measured run',
    '',
    markdownTable(
      [
        'scenario',
        'app CPU (each, % of a core)',
        'app RSS peak (each)',
        'PostgreSQL CPU',
        'PG connections max (mean)',
        'Redis CPU',
        'load generator CPU',
        'generator loop delay p99 ms',
        'machine busy',
        'events/s (their transactions/s)',
        'busy backends',
        'busy backends waiting on',
      ],
      usageRows,
    ),
    '',
    'CPU from /proc/<pid>/stat over the run (PostgreSQL = postmaster + backends); RSS sampled once a second; connections = client backends in pg_stat_activity ' +
      '(the app pools, the bench’s and the generator’s own included), sampled every 200 ms, as are the busy ones and what they wait on (CPU = not waiting). ' +
      'machine busy = all cores, other work on this shared machine included. events/s = the organization’s domain events stored (each goes to every stream of the organization); ' +
      'events are numbered in commit order by the sequencer after their transactions commit (docs/architecture.md “Events”).',
    '',
    `### Capacity probe: the run, then short steps up (it held the bound) until one goes over, or down (it did not) until one holds — p99 bound ${info.boundMs} ms`,
    '',
    markdownTable(
      [
        'scenario',
        'rate msgs/s',
        'achieved',
        'customer → agent p99 ms',
        'reply → Graph p99 ms',
        'note → colleague p99 ms',
        'lost + refused',
        'app CPU',
        'load gen CPU',
        'machine',
        `p99 ≤ ${info.boundMs} ms`,
        'earlier backlog cleared in',
      ],
      probeRows,
    ),
    '',
    ...info.notes,
    info.machine,
    '',
  ];
  for (const s of scenarios) {
    const r = s.main.result;
    out.push(
      `${s.name}: setup (agents signed in and connected) ${s.setupSeconds.toFixed(1)} s; claims ${r.claims} (${r.claimConflicts} lost the race to a colleague), ` +
        `${r.finished} conversations finished; generator schedule lag p99 ${ms(r.scheduleLagP99Ms)} ms` +
        (r.errorCount > 0 ? `; ${r.errorCount} ERRORS, e.g. ${r.errors.join(' | ')}` : '; no errors') +
        (saturation(s.main).length ? `; ${saturation(s.main).join(', ')}` : '') +
        '.',
    );
  }
  const perProcess = (c: (typeof capacity)[number]) =>
    c.best > 0
      ? `${rate(c.best)} msgs/s (${rate(c.best / c.s.processes)} per process) with ${info.agents} agents (${Math.round(info.agents / c.s.processes)} per process)` +
        (c.bent ? ' — a lower bound: a side was saturated' : '')
      : `under ${rate(Math.min(...[c.s.main, ...c.s.probes].map((m) => m.result.rate)))} msgs/s (no rate tried held the bound` +
        (c.s.probes.some((m) => !settled(m))
          ? '; the run left a backlog the floor did not clear, so lower rates could not be measured)'
          : ')');
  out.push(
    '',
    `capacity (customer messages/s with customer → agent and reply → Graph p99 ≤ ${info.boundMs} ms, nothing lost): ` +
      capacity.map((c) => `${c.s.name}: ${perProcess(c)}`).join('; ') +
      (capTwo && capOne && capOne.best > 0 && capTwo.best > 0 ? `; 2 ÷ 1 = ${ratio(capTwo.best, capOne.best)}` : '') +
      '.',
    '',
  );
  console.log(out.join('\n'));
}
