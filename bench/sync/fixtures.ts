import type { Sql } from '../../db/sql.ts';
import { SESSION_COOKIE } from '../../server/http/request.ts';
import { createSession } from '../../server/auth/session.ts';
import { createTestClient } from '../../test/helpers/app.ts';

export interface Fixtures {
  orgId: string;
  /** One `atende_session=…` cookie per bench user. */
  cookies: string[];
  /** Contacts of the demo organization, each the subject of a `notes:<id>` document. */
  contactIds: string[];
}

/**
 * Bench agents of the demo organization, each with a session of its own (created as
 * `auth.login` creates it, without paying argon2 once per user), and contacts whose notes
 * documents the peers open. Peers are spread over the users so no user comes near the
 * per-user connection cap.
 */
export async function createFixtures(sql: Sql, appUrl: string, users: number, contacts: number): Promise<Fixtures> {
  const [admin] = await sql`SELECT org_id FROM users WHERE email = 'admin@demo.test'`;
  if (!admin) throw new Error('the demo organization is missing (ATENDE_DEMO seeds it)');
  const orgId = admin.org_id as string;
  const rows = await sql`
    INSERT INTO users (org_id, email, name, role, language, status)
    SELECT ${orgId}, 'bench-sync-' || i || '@demo.test', 'Bench sync ' || i, 'agent', 'en', 'online'
    FROM generate_series(1, ${users}::int) i
    ORDER BY i
    RETURNING id`;
  const cookies: string[] = [];
  for (const r of rows) {
    const { token } = await createSession(sql, { orgId, userId: r.id as string, userAgent: 'bench/sync' });
    cookies.push(`${SESSION_COOKIE}=${token}`);
  }
  // The cookie is the one the app itself accepts.
  const probe = createTestClient(appUrl);
  probe.cookie = cookies[0]!;
  const me = await probe.auth.me.query();
  if (me.user.email !== 'bench-sync-1@demo.test') throw new Error(`auth.me answered for ${me.user.email}`);
  const contactRows = await sql`
    INSERT INTO contacts (org_id, name)
    SELECT ${orgId}, 'Bench notes ' || n FROM generate_series(1, ${contacts}::int) n
    RETURNING id`;
  return { orgId, cookies, contactIds: contactRows.map((r) => r.id as string) };
}

/** Hands out contacts (documents) that no earlier part of the run has opened. */
export class DocPool {
  private next = 0;
  constructor(private ids: string[]) {}
  take(n: number): string[] {
    if (this.next + n > this.ids.length) throw new Error(`the bench needs more than ${this.ids.length} contacts`);
    const out = this.ids.slice(this.next, this.next + n).map((id) => `notes:${id}`);
    this.next += n;
    return out;
  }
}
