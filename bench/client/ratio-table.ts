import { percentile } from '../lib/report.ts';

/** Columns of a timing table whose first row is the reference the other rows are compared to. */
export const RATIO_HEADER = ['case', 'samples', 'p50 ms', 'p99 ms', 'ratio vs reference (p50)'];

/** Rows for RATIO_HEADER: the reference, then each case with its p50 divided by the reference's. */
export function ratioRows(ref: number[], refName: string, cases: [string, number[]][]): string[][] {
  const fmt = (v: number) => v.toFixed(1);
  const base = percentile(ref, 0.5);
  const row = (name: string, values: number[], ratio: string) => [
    name,
    String(values.length),
    fmt(percentile(values, 0.5)),
    fmt(percentile(values, 0.99)),
    ratio,
  ];
  return [
    row(refName, ref, '1.00 (reference)'),
    ...cases.map(([name, values]) => row(name, values, `${(percentile(values, 0.5) / base).toFixed(2)}×`)),
  ];
}
