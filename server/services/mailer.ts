import nodemailer, { type Transporter } from 'nodemailer';
import { claimPendingMail, insertMail, markMailFailed, markMailSent, type OutboxMail } from '../../db/queries/mail.ts';
import type { Db, Sql } from '../../db/sql.ts';
import type { Logger } from '../log.ts';

/**
 * Every mail is first written to the outbox (in the caller's transaction, so it is never
 * lost). With SMTP_URL a worker delivers it; without, the log shows it (link included), so
 * a fresh install works with no mail server.
 */
export class Mailer {
  private transport: Transporter | null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private sql: Sql,
    private log: Logger,
    private options: { smtpUrl?: string | undefined; from: string },
  ) {
    this.transport = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : null;
  }

  async enqueue(db: Db, mail: { orgId: string; to: string; subject: string; text: string; kind: string }): Promise<OutboxMail> {
    const stored = await insertMail(db, mail);
    if (!this.transport) {
      this.log.info(
        { mail: { to: mail.to, subject: mail.subject, kind: mail.kind }, text: mail.text },
        'mail kept in the outbox (no SMTP_URL)',
      );
    } else {
      setImmediate(() => this.flush());
    }
    return stored;
  }

  start(intervalMs = 30_000): void {
    if (!this.transport) return;
    this.timer = setInterval(() => this.flush(), intervalMs);
    this.timer.unref();
  }

  flush(): Promise<void> {
    if (!this.transport) return Promise.resolve();
    this.running ??= this.deliverPending().finally(() => (this.running = null));
    return this.running;
  }

  private async deliverPending(): Promise<void> {
    const transport = this.transport!;
    const batch = await claimPendingMail(this.sql, 20).catch((err) => {
      this.log.warn({ err }, 'mail outbox not reachable');
      return [];
    });
    for (const mail of batch) {
      try {
        await transport.sendMail({ from: this.options.from, to: mail.to, subject: mail.subject, text: mail.text });
        await markMailSent(this.sql, mail.id);
      } catch (err) {
        this.log.warn({ err, mailId: mail.id }, 'mail delivery failed; will retry');
        await markMailFailed(this.sql, mail.id, String(err)).catch(() => {});
      }
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
    this.transport?.close();
  }
}
