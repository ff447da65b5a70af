import { envelope, postWebhook, textMessage } from '../../test/helpers/whatsapp.ts';
import { now } from './floor-agent.ts';
import type { FloorSpec, PhaseSpec } from './floor-protocol.ts';

/**
 * A customer's conversation: a greeting (the bot answers with the menu), the team's number a
 * moment later (the conversation waits in that team), then FOLLOW_UPS more messages, each
 * some seconds after the previous one was accepted, whether or not anyone has answered yet.
 */
export const SCRIPT = {
  followUps: 3,
  /** After the greeting, the customer picks a team this long after. */
  choiceGapMs: 1_500,
  /** Between follow-ups. */
  followUpGapMs: 4_000,
};
export const MESSAGES_PER_CUSTOMER = 2 + SCRIPT.followUps;

interface Customer {
  number: string;
  teamKey: string;
  /** Messages sent so far. */
  step: number;
  readyAt: number;
}

export interface SentMessage {
  at: number;
  /** 0 greeting, 1 team choice, 2… follow-ups. */
  step: number;
  ok: boolean;
}

/** What one phase's customers did: its window (`end` = the last slot), webhooks accepted and their times. */
export interface PhaseTraffic {
  start: number;
  end: number;
  accepted: number;
  webhookMs: number[];
  /** How late each slot went out (the generator's own delay). */
  lagMs: number[];
  failures: number;
  failuresSeen: string[];
}

/**
 * Customers writing through signed webhooks at a set rate, open loop: slot `i` of a phase
 * goes out at `i / rate` s whatever happened to the earlier ones. Each slot is the next
 * message of a customer whose turn has come (their previous message answered, the script's
 * gap passed), else a new customer's greeting: the rate is the phase's from its first second.
 * Slots go to the app processes in turn, as a load balancer in front of them would.
 */
export class Customers {
  /** Every message sent, by wamid. */
  readonly sent = new Map<string, SentMessage>();
  readonly byNumber = new Map<string, Customer>();
  private count = 0;
  private slot = 0;

  constructor(private spec: FloorSpec) {}

  /** Runs one phase; resolves once its last webhook answered. Customers of an earlier phase do not come back. */
  async run(phase: PhaseSpec): Promise<PhaseTraffic> {
    const stats: PhaseTraffic = { start: now(), end: 0, accepted: 0, webhookMs: [], lagMs: [], failures: 0, failuresSeen: [] };
    const ready: Customer[] = [];
    const inFlight = new Set<Promise<void>>();
    const gap = 1000 / phase.rate;
    const total = Math.round(phase.rate * phase.seconds);
    const start = stats.start;
    for (let i = 0; i < total; i++) {
      const due = start + i * gap;
      const wait = due - now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const at = now();
      stats.lagMs.push(at - due);
      ready.sort((a, b) => a.readyAt - b.readyAt);
      const customer = ready[0] && ready[0].readyAt <= at ? ready.shift()! : this.newCustomer();
      const p = this.send(customer, at, stats).then((ok) => {
        if (!ok) return;
        stats.accepted++;
        if (customer.step < MESSAGES_PER_CUSTOMER) {
          customer.readyAt = now() + (customer.step === 1 ? SCRIPT.choiceGapMs : SCRIPT.followUpGapMs);
          ready.push(customer);
        }
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    stats.end = now();
    await Promise.all(inFlight);
    return stats;
  }

  private newCustomer(): Customer {
    const keys = this.spec.teams.map((t) => t.key);
    const n = this.count++;
    const customer: Customer = { number: String(this.spec.firstNumber + n), teamKey: keys[n % keys.length]!, step: 0, readyAt: 0 };
    this.byNumber.set(customer.number, customer);
    return customer;
  }

  private async send(c: Customer, at: number, stats: PhaseTraffic): Promise<boolean> {
    const step = c.step++;
    const text = step === 0 ? 'Oi, boa tarde!' : step === 1 ? c.teamKey : `Any news on my order? (${step - 1})`;
    const wamid = `wamid.${this.spec.tag}.${c.number}.${step}`;
    const record: SentMessage = { at, step, ok: false };
    this.sent.set(wamid, record);
    const url = this.spec.appUrls[this.slot++ % this.spec.appUrls.length]!;
    try {
      const res = await postWebhook(url, envelope(textMessage(c.number, text, { id: wamid }), this.spec.channel.phoneNumberId), {
        path: `/webhooks/whatsapp/${this.spec.channel.id}`,
        secret: this.spec.channel.appSecret,
      });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${res.status} ${body}`);
      record.ok = true;
      stats.webhookMs.push(now() - at);
      return true;
    } catch (err) {
      stats.failures++;
      if (stats.failuresSeen.length < 5) stats.failuresSeen.push(`webhook ${wamid}: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }
}
