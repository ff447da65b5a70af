/**
 * Language choice and placeholder filling, without any catalogue: the widget uses these with
 * the few strings the server gives it; i18n/index.ts with the whole catalogue.
 */

/** The first of the preferences we have (exact, then by base: es-AR → es), else the fallback. */
export function pickFrom(preferences: readonly string[], languages: readonly string[], fallback: string): string {
  for (const pref of preferences) {
    const lower = pref.toLowerCase();
    const exact = languages.find((l) => l.toLowerCase() === lower);
    if (exact) return exact;
    const base = languages.find((l) => l.toLowerCase().split('-')[0] === lower.split('-')[0]);
    if (base) return base;
  }
  return fallback;
}

/** Replaces `{name}` with params.name; unknown placeholders stay as written. */
export function fill(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}
