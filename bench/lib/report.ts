/** What every `*.bench.ts` file exports; bench/run.ts imports each in turn. */
export interface BenchFile {
  title: string;
  run(): Promise<void>;
}

/** One measured case: how many operations, how long in all, and each one's latency. */
export interface Measurement {
  name: string;
  operations: number;
  seconds: number;
  latenciesMs: number[];
}

/** Nearest-rank percentile, so p99 is a latency that was actually observed. */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

export function opsPerSecond(m: Measurement): number {
  return m.operations / m.seconds;
}

/** A markdown table: the first column left-aligned, the others (numbers) right-aligned. */
export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const ms = (v: number) => v.toFixed(v < 10 ? 2 : 1);

/**
 * A markdown table of the cases against their reference, measured in the same run. The
 * ratio is reference ops/s ÷ case ops/s: how many times the reference's cost one operation
 * of the case takes (1.00 for the reference itself; below 1 means faster than it).
 */
export function printTable(title: string, reference: Measurement, cases: Measurement[], notes: string[] = []): void {
  const refOps = opsPerSecond(reference);
  const rows = [reference, ...cases].map((m) => {
    const ops = opsPerSecond(m);
    const ratio = m === reference ? '1.00 (reference)' : `${(refOps / ops).toFixed(2)}×`;
    // Slow cases (batches of 50 clicks) would round to a bare digit or two.
    return [
      m.name,
      ops < 100 ? ops.toFixed(1) : int.format(ops),
      ms(percentile(m.latenciesMs, 0.5)),
      ms(percentile(m.latenciesMs, 0.99)),
      ratio,
    ];
  });
  const header = ['case', 'ops/s', 'p50 ms', 'p99 ms', 'ratio vs reference'];
  const out = [
    `### ${title}`,
    '',
    markdownTable(header, rows),
    '',
    "ratio = reference ops/s ÷ case ops/s (how many times the reference's cost).",
    ...notes,
    '',
  ];
  console.log(out.join('\n'));
}
