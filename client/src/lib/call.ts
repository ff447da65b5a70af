/**
 * Click-to-call: the address the browser opens to call a contact. With the organization's
 * telephony configured (an address with {number} and {extension}, e.g. a PBX's web API or a
 * sip: address), through it; otherwise the device's own dialer (tel:). The server checks the
 * template's form when an admin saves it.
 */
export function callHref(template: string | null | undefined, digits: string, extension: string | null | undefined): string {
  if (!template) return `tel:+${digits}`;
  return template.replaceAll('{number}', encodeURIComponent(digits)).replaceAll('{extension}', encodeURIComponent(extension ?? ''));
}

/** A web address opens in a new tab (the PBX's page); calling schemes open in place. */
export const opensPage = (href: string) => /^https?:/i.test(href);

/** The attributes of a call link. */
export function callLink(
  template: string | null | undefined,
  digits: string,
  extension: string | null | undefined,
): { href: string; target?: string; rel?: string } {
  const href = callHref(template, digits, extension);
  return opensPage(href) ? { href, target: '_blank', rel: 'noopener noreferrer' } : { href };
}
