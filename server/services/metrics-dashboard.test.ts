import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.ts';

/**
 * The Grafana dashboard (docs/grafana/atende.json) and the alert rules (docs/alerting.md) ask
 * only for series the server exports, with labels those series have: a renamed metric or a
 * typo fails here instead of showing an empty panel or an alert that never fires.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dashboard = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs/grafana/atende.json'), 'utf8')) as Dashboard;
const alerting = fs.readFileSync(path.join(ROOT, 'docs/alerting.md'), 'utf8');

interface Panel {
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
  panels?: Panel[];
}
interface Dashboard {
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown }[] };
}

/** PromQL's own words; any other identifier in an expression is a metric name. */
const PROMQL = new Set([
  'sum',
  'max',
  'min',
  'avg',
  'count',
  'topk',
  'bottomk',
  'rate',
  'irate',
  'increase',
  'delta',
  'histogram_quantile',
  'clamp_min',
  'clamp_max',
  'abs',
  'time',
  'by',
  'without',
  'and',
  'or',
  'unless',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
]);
/** Prometheus's own series (alerting only): one per scrape target. */
const PROMETHEUS_SERIES = new Set(['up']);
/** Labels Prometheus adds to every series, and the histogram bucket's bound. */
const ADDED_LABELS = new Set(['instance', 'job']);
/** Grafana's reference to the data source variable (a literal string in the JSON, not a template). */
const DS_VARIABLE = ['$', '{DS_PROMETHEUS}'].join('');

const registered = new Map<string, { type: string; labels: string[] }>();
{
  const metrics = createMetrics();
  for (const m of metrics.registry.getMetricsAsArray()) {
    const { name, labelNames } = m as unknown as { name: string; labelNames: string[] };
    registered.set(name, { type: (m as unknown as { type: string }).type, labels: labelNames });
  }
}

/** The metric a series name belongs to (histograms export _bucket, _sum and _count). */
function metricOf(series: string): { name: string; labels: string[] } | null {
  const direct = registered.get(series);
  if (direct) return { name: series, labels: direct.labels };
  const m = /^(.*)_(bucket|sum|count)$/.exec(series);
  const base = m ? registered.get(m[1]!) : undefined;
  if (m && base?.type === 'histogram') return { name: m[1]!, labels: m[2] === 'bucket' ? [...base.labels, 'le'] : base.labels };
  return null;
}

/** Every problem with one PromQL expression: unknown series, or a label the series does not have. */
function problems(expr: string, extraSeries: Set<string> = new Set()): string[] {
  const found: string[] = [];
  // Label matchers: each key must be a label of that series.
  for (const [, series, matchers] of expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)) {
    const metric = metricOf(series!);
    if (!metric) continue; // reported below
    for (const [, key] of matchers!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)) {
      if (!metric.labels.includes(key!) && !ADDED_LABELS.has(key!)) found.push(`${series} has no label ${key}`);
    }
  }
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '$1');
  for (const [token] of bare.matchAll(/(?<![\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    if (PROMQL.has(token) || extraSeries.has(token)) continue;
    if (!metricOf(token)) found.push(`unknown series ${token}`);
  }
  return found;
}

function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

describe('docs/grafana/atende.json', () => {
  const panels = allPanels(dashboard.panels);
  const queries = panels.filter((p) => p.type !== 'row');

  it('is a Grafana 10+ dashboard on a Prometheus data source variable', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(38);
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', query: 'prometheus' }),
    );
    for (const p of queries) {
      expect(p.datasource?.uid, p.title).toBe(DS_VARIABLE);
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
    }
  });

  it('has a group of panels for each part of the system', () => {
    const rows = panels.filter((p) => p.type === 'row').map((p) => p.title.toLowerCase());
    for (const group of ['floor', 'deliveries', 'webhooks', 'sync', 'streams', 'jobs', 'database', 'http', 'node process']) {
      expect(
        rows.some((r) => r.startsWith(group)),
        group,
      ).toBe(true);
    }
  });

  it('queries only series the server exports, with their own labels', () => {
    const exprs = queries.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
    for (const v of dashboard.templating.list) {
      const q = typeof v.query === 'object' && v.query ? (v.query as { query?: string }).query : undefined;
      const m = q ? /^label_values\((\w+),\s*(\w+)\)$/.exec(q) : null;
      if (m) exprs.push({ panel: `variable ${v.name}`, expr: `${m[1]}{${m[2]}=""}` });
    }
    expect(exprs.length).toBeGreaterThan(20);
    expect(exprs.flatMap((e) => problems(e.expr).map((p) => `${e.panel}: ${p}`))).toEqual([]);
  });

  it('shows every metric Atende itself defines', () => {
    const text = JSON.stringify(dashboard);
    const own = [...registered.keys()].filter((n) => !/^atende_(process|nodejs)_/.test(n));
    expect(own.filter((n) => !text.includes(n))).toEqual([]);
  });
});

describe('docs/alerting.md', () => {
  const fenced = [...alerting.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const exprs = fenced.flatMap((block) => [...block.matchAll(/^\s*expr:\s*(.+)$/gm)].map((m) => m[1]!.trim()));

  it('has rules whose expressions ask only for exported series, with their own labels', () => {
    expect(exprs.length).toBeGreaterThan(10);
    expect(exprs.flatMap((e) => problems(e, PROMETHEUS_SERIES).map((p) => `${e}: ${p}`))).toEqual([]);
  });

  it('describes every rule in its table', () => {
    const names = fenced.flatMap((block) => [...block.matchAll(/^\s*- alert:\s*(\w+)/gm)].map((m) => m[1]!));
    expect(names.length).toBe(exprs.length);
    for (const name of names) expect(alerting, name).toMatch(new RegExp(`^\\| ${name} \\|`, 'm'));
  });
});
