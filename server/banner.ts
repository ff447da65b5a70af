/** What `npm start` prints once it listens: plain lines for a person, not JSON logs. */
export interface StartBanner {
  origin: string;
  /** The demo organization's logins ("email / password (role)"), when it exists. */
  demoLogins?: string[];
  /** The demo's web chat channel, whose widget a newcomer can open to play the customer. */
  demoWebchatChannelId?: string | null;
  /** The one-time link that creates the first organization. */
  setupLink?: string;
}

export function bannerLines(b: StartBanner): string[] {
  const lines = [`Atende is running on ${b.origin}`];
  if (b.demoLogins?.length) lines.push('Demo logins:', ...b.demoLogins.map((l) => `  ${l}`));
  if (b.demoWebchatChannelId) {
    lines.push(
      'Chat as a customer (the demo web chat widget):',
      `  ${b.origin}/widget?channel=${encodeURIComponent(b.demoWebchatChannelId)}`,
    );
  }
  if (b.setupLink) lines.push('No organization yet. Open this one-time link to create the first one and its admin:', `  ${b.setupLink}`);
  return lines;
}

/** Said once at start when the embedded database is used. */
export function embeddedNote(dataDir: string): string {
  return (
    `Using the embedded PostgreSQL (data in ${dataDir}). It is for trying Atende and for development, ` +
    'one process only; for production set DATABASE_URL to your PostgreSQL server.'
  );
}
