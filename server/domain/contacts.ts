/** WhatsApp numbers: digits only — country code, area code, number (e.g. 5535999998888). */
export function isWhatsappNumber(value: string): boolean {
  return /^[1-9][0-9]{7,14}$/.test(value);
}

/** Which organization-required fields a contact still lacks. */
export function missingRequiredFields(
  contact: { name: string; email: string | null; whatsapp: string | null; fields: Record<string, unknown> },
  required: readonly string[],
): string[] {
  const base = { name: contact.name, email: contact.email, whatsapp: contact.whatsapp };
  const all = ['name', 'email', 'whatsapp', ...required];
  return [...new Set(all)].filter((f) => {
    const v = f in base ? base[f as keyof typeof base] : contact.fields[f];
    return v === null || v === undefined || String(v).trim() === '';
  });
}
