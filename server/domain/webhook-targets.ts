import ipaddr from 'ipaddr.js';

/**
 * Where a webhook may be sent (server-side request forgery): only public unicast addresses,
 * never private (10/8, 172.16/12, 192.168/16), loopback, link-local (169.254/16, where cloud
 * metadata services answer), unique-local (fc00::/7), carrier-grade NAT (100.64/10), multicast,
 * broadcast, reserved or unspecified ones, nor IPv6 forms that embed an IPv4 address
 * (mapped, NAT64, 6to4, Teredo) unless the embedded one is checked. The operator may allow
 * private targets (WEBHOOK_ALLOW_PRIVATE=true, e.g. a receiver on the same network, or tests).
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  return ip.range() === 'unicast';
}

export type TargetRefusal = 'invalidUrl' | 'httpsRequired' | 'privateAddress' | 'unresolvable';

/** The URL's own shape: http(s), no credentials in it; https unless private targets are allowed. */
export function urlRefusal(raw: string, allowPrivate: boolean): TargetRefusal | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'invalidUrl';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'invalidUrl';
  if (url.username || url.password || !url.hostname) return 'invalidUrl';
  if (url.protocol === 'http:' && !allowPrivate) return 'httpsRequired';
  return null;
}

/** The host as an address when it is one (brackets of an IPv6 literal removed); null for a name. */
export function literalAddress(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) ? bare : null;
}
