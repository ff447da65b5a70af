/**
 * The sites that may embed a web chat channel's widget: http(s) origins (scheme, host and
 * port; no path), written as browsers name them in `event.origin` and as CSP
 * `frame-ancestors` reads them, so one string serves both checks.
 */
export const MAX_ALLOWED_SITES = 20;

// A host name (letters, digits, dots, hyphens: IDNs arrive as punycode from URL) or an
// IPv6 literal. No `*`: a CSP wildcard would let sub-domains frame the widget while the
// widget's own exact-origin check refused them; no `;` or spaces, which would end the
// directive.
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])$/;

/** The origin a person typed (`https://Shop.example.com/` → `https://shop.example.com`); null when it is not one. */
export function siteOrigin(value: string): string | null {
  const text = value.trim();
  if (!/^https?:\/\/[^\s/?#]+\/?$/i.test(text)) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) return null;
  if (!HOST.test(url.hostname)) return null;
  return url.origin;
}

/**
 * `frame-ancestors` for a channel's widget page: its sites, or any site when it names none.
 * Entries are validated when saved; one that is not (edited in SQL) is left out, and a list
 * of only such entries lets no site frame the widget rather than every site.
 */
export function frameAncestors(sites: readonly string[]): string {
  if (sites.length === 0) return 'frame-ancestors *';
  const valid = sites.filter((s) => siteOrigin(s) === s);
  return `frame-ancestors ${valid.length > 0 ? valid.join(' ') : "'none'"}`;
}
