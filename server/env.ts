import { z } from 'zod';
import { DEMO_LANGUAGES } from '../db/seed/demo-text.ts';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off']).transform((v) => ['true', '1', 'yes', 'on'].includes(v));

/**
 * TRUST_PROXY: how many reverse proxies stand in front of the server (each appends to
 * X-Forwarded-For). `false`/`0` → 0 (none), `true` → 1, `N` → N.
 */
const proxyHops = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(true|false|yes|no|on|off|\d{1,2})$/, 'Use false, true, or the number of proxies in front of the server (1, 2, ...).')
  .transform((v) => (['true', 'yes', 'on'].includes(v) ? 1 : ['false', 'no', 'off'].includes(v) ? 0 : Number(v)));

/**
 * Every environment variable Atende reads, parsed once at boot. The README's configuration
 * table lists the same names; keep them together.
 */
const schema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    DATABASE_URL: z.string().url().optional(),
    REDIS_URL: z.string().url().optional(),
    ATENDE_DATA_DIR: z.string().default('./.data'),
    ATENDE_PG_PORT: z.coerce.number().int().min(1).max(65535).default(5433),
    ATENDE_DEMO: bool.optional(),
    /** The language of the demo organization's data and people, seeded on the first start (pt-BR, en, es). */
    ATENDE_DEMO_LANGUAGE: z.enum(DEMO_LANGUAGES, { message: 'Use pt-BR, en or es.' }).default('pt-BR'),
    APP_ORIGIN: z.string().url().optional(),
    SMTP_URL: z.string().url().optional(),
    MAIL_FROM: z.string().default('Atende <no-reply@atende.local>'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TRUST_PROXY: proxyHops.default(0),
    /** When set, /metrics answers only `Authorization: Bearer <token>` (any client); unset, only this machine. */
    METRICS_TOKEN: z.string().min(16, 'Use at least 16 characters (e.g. `openssl rand -hex 24`).').optional(),
    /** SIGTERM/SIGINT: how long the graceful drain may wait for clients, requests and jobs before forcing the rest. */
    DRAIN_TIMEOUT_SECONDS: z.coerce.number().positive().default(20),
    /** Draining: how long /healthz says 503 while everything else is still served, before the listener closes (a load balancer's check interval × failures). */
    DRAIN_NOTICE_SECONDS: z.coerce.number().min(0).default(0),
    SESSION_IDLE_DAYS: z.coerce.number().positive().default(10),
    SESSION_MAX_DAYS: z.coerce.number().positive().default(30),
    LINK_TTL_MINUTES: z.coerce.number().int().positive().default(15),
    LOCKOUT_ATTEMPTS: z.coerce.number().int().positive().default(5),
    LOCKOUT_WINDOW_MINUTES: z.coerce.number().int().positive().default(15),
    LOCKOUT_MINUTES: z.coerce.number().int().positive().default(15),
    LOGIN_IP_PER_MINUTE: z.coerce.number().int().positive().default(100),
    /** REST API (/api/v1): requests one API token may make per minute (all processes together). */
    API_RATE_PER_MINUTE: z.coerce.number().int().positive().default(600),
    /** Seals TOTP secrets at rest (AES-256-GCM): 32 bytes as 64 hex digits or base64 (`openssl rand -base64 32`). */
    TWOFACTOR_ENCRYPTION_KEY: z
      .string()
      .regex(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, 'Use 32 bytes: 64 hex digits or base64 (`openssl rand -base64 32`).')
      .optional(),
    UPLOAD_MAX_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(16 * 1024 * 1024),
    /** Uploads never attached to anything (message, photo, canned response) are deleted after this. */
    UPLOAD_UNATTACHED_TTL_HOURS: z.coerce.number().positive().default(24),
    /** What one address may upload to the web chat per hour, all its visitors together. */
    WEBCHAT_UPLOAD_IP_BYTES_PER_HOUR: z.coerce
      .number()
      .int()
      .positive()
      .default(200 * 1024 * 1024),
    /** What visitors may upload to one web chat channel per day (UTC), all addresses together. */
    WEBCHAT_UPLOAD_CHANNEL_BYTES_PER_DAY: z.coerce
      .number()
      .int()
      .positive()
      .default(2 * 1024 * 1024 * 1024),
    WEBCHAT_VISITOR_TTL_DAYS: z.coerce.number().positive().default(30),
    /** Live streams per sign-in session (events.stream) and per web chat visitor (/webchat/stream), per process; one more ends the oldest. */
    STREAMS_PER_SESSION: z.coerce.number().int().positive().default(5),
    /** events.stream connections one address may hold, per process (a whole floor may share one address). */
    EVENT_STREAMS_PER_IP: z.coerce.number().int().positive().default(200),
    /** /webchat/stream connections one address may hold, per process. */
    WEBCHAT_STREAMS_PER_IP: z.coerce.number().int().positive().default(50),
    /** Where attachment bytes are kept: disk, pg or s3; unset, disk without DATABASE_URL and pg with it. */
    ATTACHMENT_STORAGE: z.enum(['disk', 'pg', 's3'], { message: 'Use disk, pg or s3.' }).optional(),
    /** The folder of disk storage (default: attachments/ in ATENDE_DATA_DIR); with several processes, a folder they all share. */
    ATTACHMENT_DIR: z.string().optional(),
    /** S3-compatible storage (ATTACHMENT_STORAGE=s3): the endpoint, e.g. http://minio:9000. */
    S3_URL: z.string().url().optional(),
    S3_BUCKET: z.string().optional(),
    S3_ACCESS_KEY_ID: z.string().optional(),
    S3_SECRET_ACCESS_KEY: z.string().optional(),
    S3_REGION: z.string().default('us-east-1'),
    /** Bucket in the path (http://host/bucket/key) rather than the host name; default true when S3_URL is set. */
    S3_FORCE_PATH_STYLE: bool.optional(),
    WHATSAPP_APP_SECRET: z.string().optional(),
    WHATSAPP_VERIFY_TOKEN: z.string().optional(),
    WHATSAPP_ACCESS_TOKEN: z.string().optional(),
    WHATSAPP_PHONE_NUMBER_ID: z.string().regex(/^\d+$/).default('100000000000001'),
    WHATSAPP_GRAPH_URL: z.string().url().default('https://graph.facebook.com'),
    /** The daily template sync with Meta (UTC, HH:MM), or `off` (server/jobs/worker.ts). */
    WHATSAPP_TEMPLATE_SYNC_AT: z
      .string()
      .regex(/^(off|([01]\d|2[0-3]):[0-5]\d)$/, 'HH:MM (UTC) or off')
      .default('04:17'),
    // Where the access token may fetch inbound media: host names (https) or full origins.
    WHATSAPP_MEDIA_HOSTS: z
      .string()
      .default('lookaside.fbsbx.com')
      .transform((v) =>
        v
          .split(',')
          .map((h) => h.trim().toLowerCase())
          .filter(Boolean),
      )
      .pipe(
        z
          .array(
            z
              .string()
              .regex(
                /^(https?:\/\/[a-z0-9.-]+(:\d{1,5})?|[a-z0-9.-]+)$/,
                'host names or origins such as http://127.0.0.1:4010, comma-separated',
              ),
          )
          .min(1),
      )
      .transform((hosts) => hosts.map((h) => (h.includes('://') ? new URL(h).origin : h))),
    /** Web Push (VAPID) key pair, base64url (`npx web-push generate-vapid-keys`); unset, one pair is generated once and kept in the database. */
    VAPID_PUBLIC_KEY: z
      .string()
      .regex(/^[A-Za-z0-9_-]{80,100}$/, 'Use the base64url public key of `npx web-push generate-vapid-keys`.')
      .optional(),
    VAPID_PRIVATE_KEY: z
      .string()
      .regex(/^[A-Za-z0-9_-]{40,50}$/, 'Use the base64url private key of `npx web-push generate-vapid-keys`.')
      .optional(),
    /** Who runs this server, for push services to reach (mailto: or https:); unset, APP_ORIGIN when https, else MAIL_FROM's address. */
    VAPID_SUBJECT: z
      .string()
      .regex(/^(mailto:.+@.+|https:\/\/.+)$/, 'Use mailto:you@example.com or an https:// address.')
      .optional(),
    /** Push endpoints accepted: host names of push services (a name also covers its subdomains), comma-separated. */
    PUSH_SERVICE_HOSTS: z
      .string()
      .default('fcm.googleapis.com,updates.push.services.mozilla.com,push.apple.com,notify.windows.com')
      .transform((v) =>
        v
          .split(',')
          .map((h) => h.trim().toLowerCase())
          .filter(Boolean),
      ),
    /** Tests and local push services only: accept any push endpoint, http and loopback included. */
    PUSH_ALLOW_ANY_ENDPOINT: bool.default(false),
    /** Outgoing webhooks may target private, loopback and link-local addresses, over plain http too (a receiver on the same network; tests). */
    WEBHOOK_ALLOW_PRIVATE: bool.default(false),
    /** How long one webhook attempt may take, connection to answer. */
    WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().positive().max(60).default(10),
  })
  .superRefine((env, ctx) => {
    if (env.REDIS_URL && !env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_URL'],
        message:
          'REDIS_URL is set but DATABASE_URL is not. Several processes must share one PostgreSQL; ' +
          'the embedded database serves one process only. Set DATABASE_URL to a PostgreSQL server, or unset REDIS_URL.',
      });
    }
    if (env.ATTACHMENT_STORAGE === 'disk' && env.DATABASE_URL && !env.ATTACHMENT_DIR) {
      ctx.addIssue({
        code: 'custom',
        path: ['ATTACHMENT_STORAGE'],
        message:
          'ATTACHMENT_STORAGE is disk and DATABASE_URL is set, but ATTACHMENT_DIR is not: each process would keep ' +
          'uploaded files in its own data folder, and the other processes could not serve them. Set ATTACHMENT_DIR ' +
          'to a folder every process shares, or unset ATTACHMENT_STORAGE to keep files in PostgreSQL (or use s3).',
      });
    }
    if (Boolean(env.VAPID_PUBLIC_KEY) !== Boolean(env.VAPID_PRIVATE_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.VAPID_PUBLIC_KEY ? 'VAPID_PRIVATE_KEY' : 'VAPID_PUBLIC_KEY'],
        message: 'Set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY (one pair), or neither to let Atende generate and keep one.',
      });
    }
    if (env.ATTACHMENT_STORAGE === 's3') {
      const missing = (['S3_URL', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const).filter((name) => !env[name]);
      if (missing.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['ATTACHMENT_STORAGE'],
          message: `ATTACHMENT_STORAGE is s3 but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set. S3 storage needs the endpoint (S3_URL), the bucket and the access keys.`,
        });
      }
    }
  });

export type Env = z.infer<typeof schema> & {
  ATENDE_DEMO: boolean;
  APP_ORIGIN: string;
  ATTACHMENT_STORAGE: 'disk' | 'pg' | 's3';
  S3_FORCE_PATH_STYLE: boolean;
};

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = result.data;
  return {
    ...env,
    ATENDE_DEMO: env.ATENDE_DEMO ?? !env.DATABASE_URL,
    ATTACHMENT_STORAGE: env.ATTACHMENT_STORAGE ?? (env.DATABASE_URL ? 'pg' : 'disk'),
    S3_FORCE_PATH_STYLE: env.S3_FORCE_PATH_STYLE ?? Boolean(env.S3_URL),
    APP_ORIGIN: (env.APP_ORIGIN ?? `http://localhost:${env.PORT || 3000}`).replace(/\/$/, ''),
  };
}
