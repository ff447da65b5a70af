import * as Y from 'yjs';
import { percentile } from '../lib/report.ts';
import { inBatches, RawClient, seeded } from './client.ts';
import type { ServerProcess } from './processes.ts';
import type { Target } from './scenario.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface IdleResult {
  connections: number;
  docs: number;
  rssPerConn: number;
  heapPerConn: number;
  connectSeconds: number;
}

/**
 * Memory per idle connection: with `warm` peers already open (code paths warmed, so the
 * baseline is a running server), opens `connections` more peers (`perDoc` to a document;
 * each synced and with its awareness state announced), waits, and divides the growth of
 * RSS (after a full GC in the server) by their number.
 */
export async function idleMemory(
  target: Target,
  server: ServerProcess,
  warmDocs: string[],
  docs: string[],
  perDoc: number,
  concurrency: number,
): Promise<IdleResult> {
  const open = (names: string[], userOffset: number) =>
    names.flatMap((doc, d) =>
      Array.from({ length: perDoc }, (_, c) => ({ doc, client: new RawClient(c, userOffset + d * perDoc + c, null, false) })),
    );
  const warm = open(warmDocs, 0);
  const idle = open(docs, warm.length);
  try {
    await inBatches(warm, concurrency, ({ doc, client }) => client.connect(target.url(doc), target.headers(client.user)));
    await sleep(1_000);
    const before = await server.memory();
    const start = performance.now();
    await inBatches(idle, concurrency, ({ doc, client }) => client.connect(target.url(doc), target.headers(client.user)));
    const connectSeconds = (performance.now() - start) / 1000;
    await sleep(2_000);
    const after = await server.memory();
    const stillOpen = idle.filter(({ client }) => client.open).length;
    if (stillOpen !== idle.length) throw new Error(`${target.name}: only ${stillOpen} of ${idle.length} idle connections stayed open`);
    return {
      connections: idle.length,
      docs: docs.length,
      rssPerConn: (after.rss - before.rss) / idle.length,
      heapPerConn: (after.heapUsed - before.heapUsed) / idle.length,
      connectSeconds,
    };
  } finally {
    await inBatches([...warm, ...idle], 200, ({ client }) => client.close());
  }
}

/**
 * A notes document of about `bytes` (encoded state): ~150-character inserts at random
 * places, as several people writing over time leave it; returned as the updates one
 * writer sends, each a merge of `insertsPerUpdate` inserts.
 */
export function buildDocument(bytes: number, seed: number, insertsPerUpdate = 10): { updates: Uint8Array[]; size: number; text: string } {
  const random = seeded(seed);
  const doc = new Y.Doc();
  const text = doc.getText('t');
  const updates: Uint8Array[] = [];
  let batch: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => {
    batch.push(u);
    if (batch.length === insertsPerUpdate) {
      updates.push(Y.mergeUpdates(batch));
      batch = [];
    }
  });
  const words = ['cliente', 'pedido', 'retorno', 'ligou', 'prefere', 'WhatsApp', 'entrega', 'nota', 'fiscal', 'troca', 'prazo', 'urgente'];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    let chunk = '';
    while (chunk.length < 150) chunk += `${words[Math.floor(random() * words.length)]} `;
    text.insert(Math.floor(random() * (text.length + 1)), chunk);
    if (i % 20 === 19) size = Y.encodeStateAsUpdate(doc).length;
  }
  if (batch.length > 0) updates.push(Y.mergeUpdates(batch));
  const result = { updates, size: Y.encodeStateAsUpdate(doc).length, text: text.toString() };
  doc.destroy();
  return result;
}

/**
 * Writes the document into each of `docs` through the server (one writer peer each, an
 * update every `pauseMs`, so the store keeps about one row per update as it would for edits
 * made over time), then waits until a fresh peer syncs the whole of it — on our server that
 * means it is in PostgreSQL, since updates are stored before anyone else sees them.
 */
export async function writeDocuments(
  target: Target,
  docs: string[],
  content: { updates: Uint8Array[]; text: string },
  concurrency: number,
  pauseMs: number,
): Promise<void> {
  await inBatches(docs, concurrency, async (doc, i) => {
    const writer = new RawClient(0, i, null, false);
    try {
      await writer.connect(target.url(doc), target.headers(writer.user));
      // Applied locally without the remote origin, each update goes out as the writer's edit.
      for (const u of content.updates) {
        Y.applyUpdate(writer.doc, u);
        if (pauseMs > 0) await sleep(pauseMs);
      }
      for (let attempt = 0; ; attempt++) {
        const check = new RawClient(1, i, null, false);
        try {
          await check.connect(target.url(doc), target.headers(check.user));
          if (check.text.toString() === content.text) return;
        } finally {
          await check.close();
        }
        if (attempt === 100) throw new Error(`${target.name}: ${doc} did not get the whole document`);
        await sleep(200);
      }
    } finally {
      await writer.close();
    }
  });
}

export interface LoadResult {
  syncedMs: number[];
  applyMs: number[];
  p50: number;
  p99: number;
}

/** Opens each document once, one after the other: connect → sync step 2 received. */
export async function timeLoads(target: Target, docs: string[], expectedText: string, warmUp: number): Promise<LoadResult> {
  const syncedMs: number[] = [];
  const applyMs: number[] = [];
  for (const [i, doc] of docs.entries()) {
    const client = new RawClient(0, i, null, false);
    try {
      const t0 = performance.now();
      const at = await client.connect(target.url(doc), target.headers(client.user));
      const applied = performance.now();
      if (client.text.toString() !== expectedText) throw new Error(`${target.name}: ${doc} synced without its whole content`);
      if (i >= warmUp) {
        syncedMs.push(at - t0);
        applyMs.push(applied - at);
      }
    } finally {
      await client.close();
    }
  }
  return { syncedMs, applyMs, p50: percentile(syncedMs, 0.5), p99: percentile(syncedMs, 0.99) };
}
