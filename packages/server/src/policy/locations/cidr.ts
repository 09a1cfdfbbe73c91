import { BlockList, isIP } from 'node:net';

/** An address as Node's `BlockList` wants it: IPv4-mapped IPv6 (`::ffff:1.2.3.4`) becomes IPv4. */
export function normalizeIp(ip: string): { address: string; family: 'ipv4' | 'ipv6' } | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = mapped ? mapped[1]! : ip;
  const v = isIP(address);
  return v === 4 ? { address, family: 'ipv4' } : v === 6 ? { address, family: 'ipv6' } : null;
}

/** Parses `198.51.100.0/24` or `2001:db8::/48`; null when malformed. */
export function parseCidr(cidr: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr.trim());
  if (!m) return null;
  const ip = normalizeIp(m[1]!);
  const prefix = Number(m[2]);
  if (!ip || prefix > (ip.family === 'ipv4' ? 32 : 128)) return null;
  return { address: ip.address, prefix, family: ip.family };
}

/** A set of CIDR ranges with O(ranges) membership (Node's BlockList, which handles v4 and v6). */
export function rangeSet(cidrs: readonly string[]): { has(ip: string): boolean } {
  const list = new BlockList();
  for (const c of cidrs) {
    const r = parseCidr(c);
    if (r) list.addSubnet(r.address, r.prefix, r.family);
  }
  return {
    has(ip) {
      const n = normalizeIp(ip);
      return !!n && list.check(n.address, n.family);
    },
  };
}
