import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../db/sql.ts';
import { countDelivery, createMetrics, observeQueueExit, timeGraphSend, watchWebhook } from './metrics.ts';

/** The small helpers commands and channels call: what they count, and what they leave alone. */
const values = async (metric: { get(): Promise<{ values: { labels: Record<string, unknown>; value: number; metricName?: string }[] }> }) =>
  (await metric.get()).values;

/** Not a transaction opened by runTx: the helpers count at once. */
const pool = {} as Db;

describe('watchWebhook', () => {
  const post = (status: number, method = 'POST') => {
    const metrics = createMetrics();
    const res = Object.assign(new EventEmitter(), { statusCode: status });
    watchWebhook(metrics, { method }, res);
    res.emit('finish');
    return metrics;
  };

  it('times a POST answered 200, counts one answered 503, and ignores the GET handshake', async () => {
    const ok = post(200);
    expect((await values(ok.webhookSeconds)).find((v) => v.metricName === 'atende_webhook_ingest_seconds_count')?.value).toBe(1);
    expect((await values(ok.webhookUnavailable))[0]?.value ?? 0).toBe(0);
    const unavailable = post(503);
    expect((await values(unavailable.webhookUnavailable))[0]!.value).toBe(1);
    expect((await values(unavailable.webhookSeconds)).find((v) => v.metricName === 'atende_webhook_ingest_seconds_count')?.value).toBe(0);
    const handshake = post(200, 'GET');
    expect((await values(handshake.webhookSeconds)).find((v) => v.metricName === 'atende_webhook_ingest_seconds_count')?.value).toBe(0);
  });
});

describe('countDelivery', () => {
  it('counts delivery states only', async () => {
    const metrics = createMetrics();
    for (const state of ['queued', 'sending', 'received', 'sent', 'unknown', 'failed']) countDelivery(metrics, pool, 'whatsapp', state);
    const counted = (await values(metrics.deliveries)).map((v) => v.labels.state).sort();
    expect(counted).toEqual(['failed', 'sent', 'unknown']);
  });
});

describe('observeQueueExit', () => {
  it('observes the wait from when the conversation was queued (created, when it never was)', async () => {
    const metrics = createMetrics();
    const left = new Date('2026-01-01T10:05:00Z');
    observeQueueExit(metrics, pool, { queuedAt: new Date('2026-01-01T10:00:00Z'), createdAt: new Date(0) }, 'claimed', left);
    observeQueueExit(metrics, pool, { queuedAt: null, createdAt: new Date('2026-01-01T10:04:00Z') }, 'closed', left);
    const sums = (await values(metrics.queueWait)).filter((v) => v.metricName === 'atende_queue_wait_seconds_sum');
    expect(sums.map((v) => [v.labels.outcome, v.value])).toEqual([
      ['claimed', 300],
      ['closed', 60],
    ]);
  });
});

describe('timeGraphSend', () => {
  it('labels a send with how it ended', async () => {
    const metrics = createMetrics();
    await timeGraphSend(metrics, async () => ({ kind: 'accepted' }));
    await timeGraphSend(metrics, async () => ({ kind: 'retry' }));
    await expect(
      timeGraphSend(metrics, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const counts = (await values(metrics.graphRequest)).filter((v) => v.metricName === 'atende_graph_request_seconds_count');
    expect(Object.fromEntries(counts.map((v) => [v.labels.outcome, v.value]))).toEqual({ accepted: 1, retry: 1, error: 1 });
  });
});
