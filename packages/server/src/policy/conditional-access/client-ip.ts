import type { FastifyRequest } from 'fastify';
import { normalizeIp } from '../locations/cidr.ts';

/**
 * The client's IP for location conditions: Fastify's `request.ip`, which follows X-Forwarded-For
 * only through hops listed in `LATCHKEY_TRUSTED_PROXIES` (`trustProxy` in `http/app.ts`); from any
 * other peer the header is ignored and the socket address is the client (CA-NET: location is the
 * public egress IP). IPv4-mapped IPv6 is reported as IPv4.
 */
export function clientIpOf(request: Pick<FastifyRequest, 'ip'>): string | null {
  const n = request.ip ? normalizeIp(request.ip) : null;
  return n ? n.address : null;
}
