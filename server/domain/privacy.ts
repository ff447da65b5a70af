/**
 * Pure rules of LGPD / GDPR requests (docs/privacy.md): what an admin types to confirm an
 * erasure, and where retention's cutoffs fall.
 */

/**
 * What the admin must type to erase a contact: its name, or — for a contact known only by a
 * channel — its WhatsApp number or e-mail (else its id), so the confirmation names the person.
 */
export function erasureConfirmation(c: { id: string; name: string; whatsapp: string | null; email: string | null }): string {
  return c.name.trim() || c.whatsapp || c.email?.trim() || c.id;
}

/** Typed confirmations compare without case and surrounding or repeated spaces. */
export function confirms(typed: string, expected: string): boolean {
  const norm = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase();
  return expected !== '' && norm(typed) === norm(expected);
}

/**
 * `months` calendar months before `now` (UTC), the day clamped to the month's length: the
 * 31st of March minus one month is the 28th (or 29th) of February, not the 3rd of March.
 */
export function monthsBefore(now: Date, months: number): Date {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() - months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      y,
      m,
      Math.min(now.getUTCDate(), lastDay),
      now.getUTCHours(),
      now.getUTCMinutes(),
      now.getUTCSeconds(),
      now.getUTCMilliseconds(),
    ),
  );
}

/** A file's name inside the export: no folders, nothing a ZIP tool would misread, bounded. */
export function exportFileName(id: string, filename: string): string {
  const clean = filename
    .normalize('NFC')
    .replace(/\p{Cc}+/gu, '_')
    .replace(/[\\/:*?"<>|]+/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 120);
  return `files/${id}-${clean || 'file'}`;
}
