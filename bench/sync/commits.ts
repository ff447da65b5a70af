/**
 * Our server's durable commits during a scenario, from its own histogram
 * (atende_sync_commit_seconds on /metrics, served to localhost): how many group commits, their
 * mean, and the bucket bounds their p50 / p99 fall under. The reference commits nothing, so
 * this is the part of our latency that durability on this machine's disk costs.
 */
export interface CommitSnapshot {
  buckets: Map<number, number>;
  sum: number;
  count: number;
}

export interface CommitSummary {
  count: number;
  meanMs: number;
  /** Upper bounds (ms) of the histogram buckets holding the 50th / 99th percentile. */
  p50AtMostMs: number;
  p99AtMostMs: number;
}

const NAME = 'atende_sync_commit_seconds';

export async function commitSnapshot(baseUrl: string): Promise<CommitSnapshot> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const snap: CommitSnapshot = { buckets: new Map(), sum: 0, count: 0 };
  for (const line of text.split('\n')) {
    if (!line.startsWith(NAME) || !line.includes('outcome="ok"')) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.startsWith(`${NAME}_bucket`)) {
      const le = /le="([^"]+)"/.exec(line)?.[1];
      if (le) snap.buckets.set(le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), value);
    } else if (line.startsWith(`${NAME}_sum`)) snap.sum = value;
    else if (line.startsWith(`${NAME}_count`)) snap.count = value;
  }
  return snap;
}

export function commitsBetween(before: CommitSnapshot, after: CommitSnapshot): CommitSummary {
  const count = after.count - before.count;
  const bounds = [...after.buckets.keys()].sort((a, b) => a - b);
  const at = (q: number) => {
    for (const le of bounds) if ((after.buckets.get(le) ?? 0) - (before.buckets.get(le) ?? 0) >= q * count) return le * 1000;
    return Number.POSITIVE_INFINITY;
  };
  return { count, meanMs: count > 0 ? ((after.sum - before.sum) / count) * 1000 : 0, p50AtMostMs: at(0.5), p99AtMostMs: at(0.99) };
}
