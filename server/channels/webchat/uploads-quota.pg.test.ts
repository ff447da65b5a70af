import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../../db/queries/channels.ts';
import { translate } from '../../../i18n/index.ts';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { makeChannel } from '../../../test/helpers/conversations.ts';
import { en } from '../../../test/helpers/i18n.ts';
import { demoIds } from '../../../test/helpers/orgs.ts';
import { startRedis } from '../../../test/helpers/redis.ts';
import { WebchatLimits } from './limits.ts';

// Small budgets so a few kilobytes reach them: 10 KB per address and hour, 20 KB per channel and day.
const IP_BUDGET = 10 * 1024;
const CHANNEL_QUOTA = 20 * 1024;

let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;

beforeAll(async () => {
  // TRUST_PROXY: each test visitor comes from the address the test names (X-Forwarded-For).
  app = await startTestApp({
    TRUST_PROXY: 'true',
    UPLOAD_MAX_BYTES: String(64 * 1024),
    WEBCHAT_UPLOAD_IP_BYTES_PER_HOUR: String(IP_BUDGET),
    WEBCHAT_UPLOAD_CHANNEL_BYTES_PER_DAY: String(CHANNEL_QUOTA),
  });
  ids = await demoIds(app.db.sql);
});
afterAll(() => app?.stop());

let ipCounter = 0;
const freshIp = () => `10.77.${Math.floor(++ipCounter / 250)}.${(ipCounter % 250) + 1}`;

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

class Visitor {
  constructor(
    public token: string,
    public ip: string,
  ) {}

  headers(lang = 'en'): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, 'x-forwarded-for': this.ip, 'accept-language': lang };
  }

  async upload(bytes: number, lang = 'en'): Promise<Answer> {
    const form = new FormData();
    form.append('file', new Blob([Buffer.alloc(bytes, 0x61)], { type: 'text/plain' }), 'notes.txt');
    const res = await fetch(`${app.url}/webchat/upload`, { method: 'POST', headers: this.headers(lang), body: form });
    return { status: res.status, headers: res.headers, body: await res.json() };
  }
}

async function newVisitor(channel: Channel, ip = freshIp()): Promise<Visitor> {
  const res = await fetch(`${app.url}/webchat/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ channelId: channel.id }),
  });
  expect(res.status).toBe(201);
  return new Visitor(((await res.json()) as { visitorToken: string }).visitorToken, ip);
}

/** Attachment rows of a channel's visitors, and how many of their files are stored. */
async function storedOf(channel: Channel): Promise<{ rows: number; bytes: number; files: number }> {
  const rows = await app.db.sql`SELECT a.storage_key, a.size_bytes FROM attachments a
    JOIN webchat_uploads w ON w.org_id = a.org_id AND w.attachment_id = a.id
    JOIN webchat_visitors v ON v.org_id = w.org_id AND v.id = w.visitor_id
    WHERE v.channel_id = ${channel.id}`;
  const stored = await Promise.all(rows.map((r) => app.services.storage.stat(r.storage_key as string)));
  return {
    rows: rows.length,
    bytes: rows.reduce((sum, r) => sum + Number(r.size_bytes), 0),
    files: stored.filter(Boolean).length,
  };
}

/** Every object in the attachment storage, complete or not (a refused upload must leave none behind, not even a part). */
async function filesOnDisk(): Promise<number> {
  if (app.services.storage.kind === 'pg') return Number((await app.db.sql`SELECT count(*) AS n FROM attachment_blobs`)[0]!.n);
  const root = path.resolve(app.env.ATENDE_DATA_DIR, 'attachments');
  if (!fs.existsSync(root)) return 0;
  return fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

describe('per-address upload budget', () => {
  it('many fresh visitors from one address share its hourly budget; over it, 429 and nothing more stored', async () => {
    const channel = await makeChannel(app.db.sql, ids, 'webchat');
    const ip = freshIp();
    const diskBefore = await filesOnDisk();
    // A new visitor for each file, as a script would: the per-visitor limit never trips.
    for (let i = 0; i < 3; i++) expect((await (await newVisitor(channel, ip)).upload(3 * 1024)).status).toBe(201);
    // 9 KB stored; 3 KB more would be 12 KB: read, refused and removed.
    const over = await (await newVisitor(channel, ip)).upload(3 * 1024);
    expect(over.status).toBe(429);
    expect(over.body.error).toEqual({ code: 'webchat.uploadIpBudget', message: en('webchat.uploadIpBudget') });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    // The refused file did not count: the last kilobyte of the budget still fits.
    expect((await (await newVisitor(channel, ip)).upload(1024)).status).toBe(201);
    // Budget spent: refused before the body is read, in the visitor's language.
    const spent = await (await newVisitor(channel, ip)).upload(10, 'pt-BR');
    expect(spent.status).toBe(429);
    expect(spent.body.error.message).toBe(translate('pt-BR', 'webchat.uploadIpBudget'));
    expect(await storedOf(channel)).toEqual({ rows: 4, bytes: IP_BUDGET, files: 4 });
    expect(await filesOnDisk()).toBe(diskBefore + 4);
    // Another address is not affected.
    expect((await (await newVisitor(channel)).upload(1024)).status).toBe(201);
  });
});

describe('per-address upload budget with Redis', () => {
  it('is one budget for every process', async () => {
    const redis = await startRedis();
    const a = new Redis(redis.url);
    const b = new Redis(redis.url);
    try {
      // Two processes' limits on one Redis.
      const one = new WebchatLimits({ uploadBytesPerIpPerHour: 1000 }, a);
      const two = new WebchatLimits({ uploadBytesPerIpPerHour: 1000 }, b);
      expect(await one.takeUploadBytes('203.0.113.9', 600)).toEqual({ ok: true });
      expect(await two.uploadBudgetSpent('203.0.113.9')).toBe(0);
      expect(await two.takeUploadBytes('203.0.113.9', 600)).toMatchObject({ ok: false });
      expect(await two.takeUploadBytes('203.0.113.9', 400)).toEqual({ ok: true });
      expect(await one.uploadBudgetSpent('203.0.113.9')).toBeGreaterThan(0);
      expect(await one.uploadBudgetSpent('203.0.113.10')).toBe(0);
    } finally {
      a.disconnect();
      b.disconnect();
      await redis.stop();
    }
  });
});

describe('per-channel daily upload quota', () => {
  it('counts every visitor of a channel together, concurrent uploads included; over it, 429 and nothing more stored', async () => {
    const channel = await makeChannel(app.db.sql, ids, 'webchat');
    const other = await makeChannel(app.db.sql, ids, 'webchat');
    const diskBefore = await filesOnDisk();
    // Six visitors from six addresses (each well inside its own budget) send 6 KB at once: 3 fit in 20 KB.
    const visitors = await Promise.all(Array.from({ length: 6 }, () => newVisitor(channel)));
    const answers = await Promise.all(visitors.map((v) => v.upload(6 * 1024)));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 201, 429, 429, 429]);
    for (const a of answers.filter((x) => x.status === 429)) {
      expect(a.body.error).toEqual({ code: 'webchat.uploadChannelQuota', message: en('webchat.uploadChannelQuota') });
    }
    expect(await storedOf(channel)).toEqual({ rows: 3, bytes: 18 * 1024, files: 3 });
    // What is left of the day still fits; then the quota is spent and refused before reading.
    expect((await (await newVisitor(channel)).upload(2 * 1024)).status).toBe(201);
    const spent = await (await newVisitor(channel)).upload(10, 'es');
    expect(spent.status).toBe(429);
    expect(spent.body.error.message).toBe(translate('es', 'webchat.uploadChannelQuota'));
    expect(Number(spent.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await storedOf(channel)).toEqual({ rows: 4, bytes: CHANNEL_QUOTA, files: 4 });
    expect(await filesOnDisk()).toBe(diskBefore + 4);
    // Counted in PostgreSQL (so every process sees it), per channel.
    const [usage] = await app.db.sql`SELECT bytes FROM webchat_upload_usage WHERE channel_id = ${channel.id}`;
    expect(Number(usage!.bytes)).toBe(CHANNEL_QUOTA);
    expect((await (await newVisitor(other)).upload(1024)).status).toBe(201);
  });
});

describe('web chat file answers', () => {
  it('are never cached: no-store', async () => {
    const channel = await makeChannel(app.db.sql, ids, 'webchat');
    const v = await newVisitor(channel);
    const up = await v.upload(100);
    expect(up.status).toBe(201);
    const file = await fetch(`${app.url}${up.body.url}`, { headers: v.headers() });
    expect(file.status).toBe(200);
    expect(file.headers.get('cache-control')).toBe('no-store');
    await file.arrayBuffer();
  });
});
