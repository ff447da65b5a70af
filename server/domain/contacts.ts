/** WhatsApp numbers: digits only — country code, area code, number (e.g. 5535999998888). */
export function isWhatsappNumber(value: string): boolean {
  return /^[1-9][0-9]{7,14}$/.test(value);
}

/**
 * Which required fields a contact still lacks: name, e-mail and WhatsApp, then the
 * organization's own. A web chat visitor is reached without a number, so theirs is not
 * missing (unless the organization requires it by name).
 */
export function missingRequiredFields(
  contact: { name: string; email: string | null; whatsapp: string | null; fields: Record<string, unknown>; webchat?: boolean },
  required: readonly string[],
): string[] {
  const base = { name: contact.name, email: contact.email, whatsapp: contact.whatsapp };
  const all = ['name', 'email', ...(contact.webchat ? [] : ['whatsapp']), ...required];
  return [...new Set(all)].filter((f) => {
    const v = f in base ? base[f as keyof typeof base] : contact.fields[f];
    return v === null || v === undefined || String(v).trim() === '';
  });
}
