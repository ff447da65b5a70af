import ipaddr from 'ipaddr.js';

/** Parses a CIDR (or a single address) into a matcher; null when not valid. */
export function parseNetwork(value: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | null {
  try {
    if (value.includes('/')) return ipaddr.parseCIDR(value.trim());
    const addr = ipaddr.parse(value.trim());
    return [addr, addr.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return null;
  }
}

function normalize(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    const addr = ipaddr.parse(ip);
    // "::ffff:203.0.113.7" (IPv4 on a dual-stack socket) is matched as the IPv4 address.
    if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) return (addr as ipaddr.IPv6).toIPv4Address();
    return addr;
  } catch {
    return null;
  }
}

/** An empty allow-list allows everyone; otherwise the address must fall in one of the networks. */
export function isAllowedNetwork(ip: string | undefined, networks: readonly string[]): boolean {
  if (networks.length === 0) return true;
  const addr = ip ? normalize(ip) : null;
  if (!addr) return false;
  return networks.some((n) => {
    const net = parseNetwork(n);
    return net !== null && net[0].kind() === addr.kind() && addr.match(net);
  });
}
