import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../db/queries/channels.ts';
import { insertTestDelivery } from '../../db/queries/webhooks.ts';
import { refusalOf, startTestApp, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { inbound, makeChannel } from '../../test/helpers/conversations.ts';
import { demoIds, waitFor } from '../../test/helpers/orgs.ts';
import { startReceiver, type Receiver } from '../../test/helpers/webhook-receiver.ts';
import { createEndpoint } from '../commands/webhooks.ts';
import { signatureOf, verifySignature } from '../domain/webhooks.ts';
import type { Services } from '../services/index.ts';
import { attemptDelivery } from './deliver.ts';
import { checkTarget, postTo } from './target.ts';

let app: TestApp;
let admin: TestClient;
let receiver: Receiver;
let channel: Channel;
let ids: Awaited<ReturnType<typeof demoIds>>;
let visitor = 0;

const WAIT = 30_000;

beforeAll(async () => {
  app = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: 'true' });
  ids = await demoIds(app.db.sql);
  admin = await app.login('admin@demo.test');
  receiver = await startReceiver();
  channel = await makeChannel(app.db.sql, ids, 'webchat');
});
afterAll(async () => {
  await app?.stop();
  await receiver?.close();
});

const endpoint = (path: string, events: string[]) =>
  admin.admin.webhooks.create.mutate({ url: receiver.url(path), events: events as never });
const customerWrites = (from: string, text: string) => inbound(app, channel, { from, text });
const deliveriesOf = (endpointId: string) =>
  app.db.sql`SELECT id, status, attempts, last_status_code, last_error, next_attempt_at, last_attempt_at, payload
    FROM webhook_deliveries WHERE endpoint_id = ${endpointId} ORDER BY seq`;
/** Makes a waiting retry due now (instead of waiting its real minutes) and wakes the sender. */
async function makeDue(deliveryId: string) {
  await app.db.sql`UPDATE webhook_deliveries SET next_attempt_at = now() WHERE id = ${deliveryId}`;
  app.services.webhooks!.wake();
}
const secondsBetween = (a: Date, b: Date) => (b.getTime() - a.getTime()) / 1000;
/**
 * How long until a delivery's next attempt, measured by the database now: the wait was added
 * when the failure was recorded (after the attempt, however slow), so this is at most the wait.
 */
const secondsLeft = async (id: string) => {
  const [r] = await app.db.sql`SELECT extract(epoch FROM next_attempt_at - now())::float8 AS left FROM webhook_deliveries WHERE id = ${id}`;
  return r!.left as number;
};

describe('outgoing webhooks: delivery', () => {
  it('signs the body with the endpoint secret and a timestamp; a tampered body fails the check', async () => {
    const ep = await endpoint('/signed', ['message.received']);
    await customerWrites(`v-signed-${visitor++}`, 'Hello there');
    const [hook] = await waitFor(async () => receiver.on('/signed').length > 0 && receiver.on('/signed'), 'a signed delivery', WAIT);
    expect(hook!.headers['content-type']).toBe('application/json');
    expect(hook!.headers['atende-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(hook!.headers['atende-event']).toBe('message.received');
    const header = String(hook!.headers['atende-signature']);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const t = Number(/t=(\d+)/.exec(header)![1]);
    expect(verifySignature(ep.secret, header, hook!.raw, t)).toBe(true);
    expect(verifySignature(ep.secret, header, hook!.raw.replace('Hello there', 'Hello thief'), t)).toBe(false);
    expect(verifySignature('whsec_someone_else', header, hook!.raw, t)).toBe(false);
    // Replay window: the same request five minutes and a second later is refused.
    expect(verifySignature(ep.secret, header, hook!.raw, t + 301)).toBe(false);
    expect(hook!.body).toMatchObject({ type: 'message.received', organizationId: ids.orgId });
    expect(hook!.body.data.message).toMatchObject({ text: 'Hello there', direction: 'in' });
    expect(hook!.body.data.conversation.channel).toMatchObject({ id: channel.id, kind: 'webchat' });
    expect(new Date(hook!.body.occurredAt).toISOString()).toBe(hook!.body.occurredAt);
  });

  it('retries after 500s on the backoff schedule, with the same delivery id, until the receiver takes it', async () => {
    receiver.answer((hook) => (hook.path === '/flaky' && receiver.on('/flaky').length < 2 ? 500 : 200));
    const ep = await endpoint('/flaky', ['message.received']);
    await customerWrites(`v-flaky-${visitor++}`, 'Anyone?');
    await waitFor(async () => receiver.on('/flaky').length === 1, 'the first attempt', WAIT);
    const [first] = await waitFor(
      async () => {
        const rows = await deliveriesOf(ep.id);
        return rows[0]?.status === 'pending' && rows[0].attempts === 1 && rows;
      },
      'the first failure recorded',
      WAIT,
    );
    expect(first!.last_status_code).toBe(500);
    expect(first!.last_error).toBe('receiver says no');
    // 30 s after the first failure (plus up to 10 % spread), 60 s after the second: at least
    // that long after the attempt began, at most that long after the failure was recorded.
    expect(secondsBetween(first!.last_attempt_at, first!.next_attempt_at)).toBeGreaterThanOrEqual(29.9);
    expect(await secondsLeft(first!.id)).toBeLessThanOrEqual(33.01);
    await makeDue(first!.id);
    const [second] = await waitFor(
      async () => {
        const rows = await deliveriesOf(ep.id);
        return rows[0]?.status === 'pending' && rows[0].attempts === 2 && rows;
      },
      'the second failure recorded',
      WAIT,
    );
    expect(secondsBetween(second!.last_attempt_at, second!.next_attempt_at)).toBeGreaterThanOrEqual(59.9);
    expect(await secondsLeft(second!.id)).toBeLessThanOrEqual(66.01);
    await makeDue(second!.id);
    const [done] = await waitFor(
      async () => {
        const rows = await deliveriesOf(ep.id);
        return rows[0]?.status === 'delivered' && rows;
      },
      'delivered on the third attempt',
      WAIT,
    );
    expect(done).toMatchObject({ attempts: 3, last_status_code: 200 });
    const hooks = receiver.on('/flaky');
    expect(hooks.map((h) => h.answered)).toEqual([500, 500, 200]);
    expect(new Set(hooks.map((h) => h.headers['atende-delivery']))).toEqual(new Set([first!.id]));
    expect(new Set(hooks.map((h) => h.body.id)).size).toBe(1);
  });

  it('keeps a conversation in order: later events wait while the first one fails, other conversations go on', async () => {
    receiver.answer((hook) => (hook.path === '/ordered' && receiver.on('/ordered').length === 0 ? 500 : 200));
    const ep = await endpoint('/ordered', ['message.received']);
    const customer = `v-ordered-${visitor++}`;
    await customerWrites(customer, 'first');
    await waitFor(
      async () => {
        const [first] = await deliveriesOf(ep.id);
        return first?.status === 'pending' && first.attempts === 1;
      },
      'the first attempt failed',
      WAIT,
    );
    await customerWrites(customer, 'second');
    await customerWrites(customer, 'third');
    await waitFor(async () => (await deliveriesOf(ep.id)).length === 3, 'three deliveries queued', WAIT);
    // Another conversation is not held back by this one's failure.
    await customerWrites(`v-other-${visitor++}`, 'elsewhere');
    await waitFor(
      async () => receiver.on('/ordered').some((h) => h.body.data.message.text === 'elsewhere'),
      'the other conversation',
      WAIT,
    );
    expect(
      receiver
        .on('/ordered')
        .filter((h) => h.body.data.message.text !== 'elsewhere')
        .map((h) => h.body.data.message.text),
    ).toEqual(['first']);
    const waiting = (await deliveriesOf(ep.id)).filter((d) => d.payload.data.message.text !== 'elsewhere');
    expect(waiting.map((d) => [d.payload.data.message.text, d.status, d.attempts])).toEqual([
      ['first', 'pending', 1],
      ['second', 'pending', 0],
      ['third', 'pending', 0],
    ]);
    await makeDue(waiting[0]!.id);
    await waitFor(async () => receiver.on('/ordered').length === 5, 'the conversation delivered', WAIT);
    expect(
      receiver
        .on('/ordered')
        .filter((h) => h.body.data.message.text !== 'elsewhere')
        .map((h) => h.body.data.message.text),
    ).toEqual(['first', 'first', 'second', 'third']);
  });

  it('redelivers on demand: the same body with a new delivery id, in the log beside the first', async () => {
    const ep = await endpoint('/again', ['message.received']);
    await customerWrites(`v-again-${visitor++}`, 'once more');
    await waitFor(async () => receiver.on('/again').length === 1, 'the delivery', WAIT);
    const [log] = await waitFor(
      async () => {
        const l = await admin.admin.webhooks.deliveries.query({ endpointId: ep.id });
        return l[0]?.status === 'delivered' && [l];
      },
      'the log says delivered',
      WAIT,
    );
    expect(log![0]).toMatchObject({ eventType: 'message.received', lastStatusCode: 200, attempts: 1 });
    const again = await admin.admin.webhooks.redeliver.mutate({ deliveryId: log![0]!.id });
    expect(again.redeliveryOf).toBe(log![0]!.id);
    await waitFor(async () => receiver.on('/again').length === 2, 'the redelivery', WAIT);
    const [one, two] = receiver.on('/again');
    expect(two!.raw).toBe(one!.raw);
    expect(two!.headers['atende-delivery']).toBe(again.id);
    expect(two!.headers['atende-delivery']).not.toBe(one!.headers['atende-delivery']);
    // The answer is recorded just after the receiver had the request.
    const after = await waitFor(
      async () => {
        const l = await admin.admin.webhooks.deliveries.query({ endpointId: ep.id });
        return l.every((d) => d.status === 'delivered') && l;
      },
      'both delivered in the log',
      WAIT,
    );
    expect(after.map((d) => [d.id, d.redeliveryOf])).toEqual([
      [again.id, log![0]!.id],
      [log![0]!.id, null],
    ]);
    const [row] = await app.db.sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'webhook_redelivered'`;
    expect(row!.n).toBe(1);
  });

  it('sends a test event and answers with what the receiver said', async () => {
    const ep = await endpoint('/test', ['conversation.closed']);
    const r = await admin.admin.webhooks.test.mutate({ id: ep.id });
    expect(r).toMatchObject({ delivered: true, statusCode: 200 });
    const [hook] = receiver.on('/test');
    expect(hook!.body).toMatchObject({ type: 'webhook.test', organizationId: ids.orgId });
    expect(verifySignature(ep.secret, String(hook!.headers['atende-signature']), hook!.raw, Math.floor(Date.now() / 1000))).toBe(true);
  });

  it('signs with the old secret beside the new one for a while after a rotation', async () => {
    const ep = await endpoint('/rotated', ['conversation.closed']);
    const rotated = await admin.admin.webhooks.rotateSecret.mutate({ id: ep.id });
    expect(rotated.secret).not.toBe(ep.secret);
    await admin.admin.webhooks.test.mutate({ id: ep.id });
    const [hook] = receiver.on('/rotated');
    const header = String(hook!.headers['atende-signature']);
    const t = Number(/t=(\d+)/.exec(header)![1]);
    expect(header.split(',v1=').length).toBe(3);
    expect(verifySignature(rotated.secret, header, hook!.raw, t)).toBe(true);
    expect(verifySignature(ep.secret, header, hook!.raw, t)).toBe(true);
    expect(header).toContain(`v1=${signatureOf(rotated.secret, t, hook!.raw)}`);
  });

  it('disables an endpoint whose every attempt failed for a day, and tells the admins', async () => {
    receiver.answer((hook) => (hook.path === '/down' ? 503 : 200));
    const ep = await endpoint('/down', ['message.received']);
    // A day of failures, as if it had been failing since yesterday.
    await app.db
      .sql`UPDATE webhook_endpoints SET consecutive_failures = 9, failing_since = now() - interval '25 hours' WHERE id = ${ep.id}`;
    await customerWrites(`v-down-${visitor++}`, 'hello?');
    const list = await waitFor(
      async () => {
        const l = await admin.admin.webhooks.list.query();
        return l.find((e) => e.id === ep.id && !e.active) && l;
      },
      'the endpoint disabled',
      WAIT,
    );
    expect(list.find((e) => e.id === ep.id)).toMatchObject({ active: false, disabledReason: 'failing', consecutiveFailures: 10 });
    const [audit] = await app.db.sql`SELECT details FROM audit_log WHERE action = 'webhook_disabled'`;
    expect(audit!.details).toMatchObject({ endpointId: ep.id, reason: 'failing' });
    const mails = await app.db.sql`SELECT to_address, subject, body_text FROM mail_outbox WHERE kind = 'webhook_disabled'`;
    expect(mails.map((m) => m.to_address)).toEqual(['admin@demo.test']);
    expect(mails[0]!.body_text).toContain(receiver.url('/down'));
    expect(mails[0]!.body_text).toContain('/admin/webhooks');
    // Disabled: the failed delivery is not tried again, even when due; enabling clears the record.
    const [pending] = await deliveriesOf(ep.id);
    await makeDue(pending!.id);
    // The sender has run since (another endpoint got a later message): nothing went to the disabled one.
    await customerWrites(`v-down-${visitor++}`, 'after the disabling');
    await waitFor(
      async () => receiver.on('/signed').some((h) => h.body.data.message.text === 'after the disabling'),
      'a later delivery',
      WAIT,
    );
    expect(receiver.on('/down')).toHaveLength(1);
    expect(await codeOf(admin.admin.webhooks.redeliver.mutate({ deliveryId: pending!.id }))).toBe('PRECONDITION_FAILED');
    const enabled = await admin.admin.webhooks.update.mutate({ id: ep.id, active: true });
    expect(enabled).toMatchObject({ active: true, disabledReason: null, consecutiveFailures: 0 });
  });

  it('refuses private, loopback and link-local targets without WEBHOOK_ALLOW_PRIVATE, at registration and at delivery', async () => {
    const strict: Services = { ...app.services, env: { ...app.services.env, WEBHOOK_ALLOW_PRIVATE: false } };
    const a = {
      orgId: ids.orgId,
      userId: ids.users['admin@demo.test'],
      ip: '127.0.0.1',
      fail: (await import('../errors.ts')).errorsFor('en'),
    };
    for (const url of [
      'https://127.0.0.1/hook',
      'https://10.1.2.3/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/hook',
      'https://localhost/hook',
    ]) {
      expect([url, await checkTarget(url, false)]).toEqual([url, { refused: 'privateAddress' }]);
      const refused = await createEndpoint(strict, a, { url, description: '', events: ['message.received'] }).catch((e) => e);
      expect([url, refused.code, refused.reason]).toEqual([url, 'BAD_REQUEST', 'webhooks.privateAddress']);
    }
    const plain = await createEndpoint(strict, a, {
      url: 'http://hooks.example.com/in',
      description: '',
      events: ['message.received'],
    }).catch((e) => e);
    expect(plain.reason).toBe('webhooks.httpsRequired');
    // Registered while allowed, then refused before any connection when the operator turns it off.
    const ep = await endpoint('/private', ['conversation.closed']);
    await app.db.sql`UPDATE webhook_endpoints SET url = ${receiver.url('/private').replace('http:', 'https:')} WHERE id = ${ep.id}`;
    const d = await insertTestDelivery(
      app.db.sql,
      {
        orgId: ids.orgId,
        endpointId: ep.id,
        eventKey: crypto.randomUUID(),
        eventId: null,
        eventType: 'webhook.test',
        conversationId: null,
        payload: { id: 'x' },
      },
      60_000,
    );
    const r = await attemptDelivery(strict, d);
    expect(r.delivered).toBe(false);
    expect(receiver.on('/private')).toEqual([]);
    const [row] = await deliveriesOf(ep.id);
    expect(row).toMatchObject({ status: 'failed', last_status_code: null });
    expect(row!.last_error).toBe('atende:refused:privateAddress');
    // The log says why, in the admin's language (pt-BR).
    const [logged] = await admin.admin.webhooks.deliveries.query({ endpointId: ep.id });
    expect(logged!.lastError).toBe('Este endereço leva a uma rede privada, local ou interna, para onde webhooks não são enviados.');
  });

  it('connects to the address it checked, whatever the host name resolves to afterwards', async () => {
    // A host name that resolves nowhere: the request still reaches the checked address.
    const r = await postTo(
      { url: new URL(receiver.url('/pinned').replace('127.0.0.1', 'rebind.invalid')), address: '127.0.0.1', family: 4 },
      '{}',
      {},
      5000,
    );
    expect(r.statusCode).toBe(200);
    expect(receiver.on('/pinned')).toHaveLength(1);
    expect(receiver.on('/pinned')[0]!.headers.host).toContain('rebind.invalid');
    // A name (localhost) goes through the same check and pinning when private targets are allowed.
    const ep = await endpoint('/by-name', ['conversation.closed']);
    await admin.admin.webhooks.update.mutate({ id: ep.id, url: receiver.url('/by-name').replace('127.0.0.1', 'localhost') });
    expect(await admin.admin.webhooks.test.mutate({ id: ep.id })).toMatchObject({ delivered: true, statusCode: 200 });
  });

  it('tells a refused connection in the admin’s words, and follows no redirect', async () => {
    const closed = await startReceiver();
    const url = closed.url('/gone');
    await closed.close();
    const ep = await endpoint('/placeholder', ['conversation.closed']);
    await admin.admin.webhooks.update.mutate({ id: ep.id, url });
    expect(await admin.admin.webhooks.test.mutate({ id: ep.id })).toMatchObject({
      delivered: false,
      statusCode: null,
      excerpt: 'Não foi possível conectar ao receptor (ECONNREFUSED).',
    });
    receiver.answer((hook) => (hook.path === '/moved' ? 302 : 200));
    const moved = await endpoint('/moved', ['conversation.closed']);
    expect(await admin.admin.webhooks.test.mutate({ id: moved.id })).toMatchObject({ delivered: false, statusCode: 302 });
    expect(receiver.on('/moved')).toHaveLength(1);
  });

  it('sends again a delivery whose process died during the attempt (its lease ran out)', async () => {
    const ep = await endpoint('/crashed', ['message.received']);
    await app.db.sql`INSERT INTO webhook_deliveries (org_id, endpoint_id, event_key, event_type, payload, status, attempts, lease_until)
      VALUES (${ids.orgId}, ${ep.id}, ${crypto.randomUUID()}, 'message.received', ${app.db.sql.json({ id: 'crashed' })}, 'sending', 1,
        now() - interval '1 second')`;
    app.services.webhooks!.wake();
    await waitFor(async () => receiver.on('/crashed').length === 1, 'the delivery sent again', WAIT);
    const [row] = await waitFor(
      async () => {
        const rows = await deliveriesOf(ep.id);
        return rows[0]?.status === 'delivered' && rows;
      },
      'recorded',
      WAIT,
    );
    expect(row).toMatchObject({ attempts: 2, last_status_code: 200 });
  });

  it('changes an endpoint’s events and description, audited', async () => {
    const ep = await endpoint('/changed', ['conversation.closed']);
    const changed = await admin.admin.webhooks.update.mutate({
      id: ep.id,
      events: ['message.sent', 'message.sent', 'contact.updated'],
      description: 'ERP',
    });
    expect(changed).toMatchObject({ events: ['message.sent', 'contact.updated'], description: 'ERP', url: receiver.url('/changed') });
    await admin.admin.webhooks.remove.mutate({ id: ep.id });
    expect((await admin.admin.webhooks.list.query()).some((e) => e.id === ep.id)).toBe(false);
    const actions = await app.db.sql`SELECT action FROM audit_log WHERE details->>'endpointId' = ${ep.id} ORDER BY id`;
    expect(actions.map((a) => a.action)).toEqual(['webhook_created', 'webhook_updated', 'webhook_removed']);
  });

  it('validates what an admin registers', async () => {
    const none = refusalOf(await admin.admin.webhooks.create.mutate({ url: receiver.url('/x'), events: [] }).catch((e) => e));
    expect(none).toMatchObject({ code: 'BAD_REQUEST', data: { fieldErrors: { events: 'Escolha pelo menos um evento.' } } });
    expect(
      refusalOf(await admin.admin.webhooks.create.mutate({ url: 'ftp://example.com', events: ['message.sent'] }).catch((e) => e)),
    ).toMatchObject({ code: 'BAD_REQUEST', data: { reason: 'webhooks.invalidUrl' } });
    expect(
      refusalOf(await admin.admin.webhooks.create.mutate({ url: receiver.url('/x'), events: ['message.nope' as never] }).catch((e) => e)),
    ).toMatchObject({ code: 'BAD_REQUEST' });
  });
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return refusalOf(e)?.code ?? 'UNKNOWN';
  }
}
