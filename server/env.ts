import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

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
    APP_ORIGIN: z.string().url().optional(),
    SMTP_URL: z.string().url().optional(),
    MAIL_FROM: z.string().default('Atende <no-reply@atende.local>'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TRUST_PROXY: bool.default(false),
    SESSION_IDLE_DAYS: z.coerce.number().positive().default(10),
    SESSION_MAX_DAYS: z.coerce.number().positive().default(30),
    LINK_TTL_MINUTES: z.coerce.number().int().positive().default(15),
    LOCKOUT_ATTEMPTS: z.coerce.number().int().positive().default(5),
    LOCKOUT_WINDOW_MINUTES: z.coerce.number().int().positive().default(15),
    LOCKOUT_MINUTES: z.coerce.number().int().positive().default(15),
    LOGIN_IP_PER_MINUTE: z.coerce.number().int().positive().default(100),
    UPLOAD_MAX_BYTES: z.coerce.number().int().positive().default(16 * 1024 * 1024),
    WEBCHAT_VISITOR_TTL_DAYS: z.coerce.number().positive().default(30),
    WHATSAPP_APP_SECRET: z.string().optional(),
    WHATSAPP_VERIFY_TOKEN: z.string().optional(),
    WHATSAPP_ACCESS_TOKEN: z.string().optional(),
    WHATSAPP_PHONE_NUMBER_ID: z.string().regex(/^\d+$/).default('100000000000001'),
    WHATSAPP_GRAPH_URL: z.string().url().default('https://graph.facebook.com'),
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
  });

export type Env = z.infer<typeof schema> & { ATENDE_DEMO: boolean; APP_ORIGIN: string };

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
    APP_ORIGIN: (env.APP_ORIGIN ?? `http://localhost:${env.PORT || 3000}`).replace(/\/$/, ''),
  };
}
