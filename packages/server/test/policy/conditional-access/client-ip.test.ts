import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { loadConfig } from '../../../src/config/load.ts';
import { clientIpOf } from '../../../src/policy/conditional-access/client-ip.ts';
import { compilePolicies } from '../../../src/policy/conditional-access/compile.ts';
import { evaluate } from '../../../src/policy/conditional-access/evaluate.ts';
import type { NamedLocation } from '../../../src/policy/locations/types.ts';
import { policy } from './helpers.ts';

const HQ: NamedLocation = {
  '@odata.type': '#microsoft.graph.ipNamedLocation',
  id: '44444444-4444-4444-8444-444444444444',
  displayName: 'HQ',
  createdDateTime: '',
  modifiedDateTime: '',
  isTrusted: true,
  ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.0/24' }],
};
// Block everything except from trusted locations.
const compiled = compilePolicies(
  [
    policy({
      conditions: { locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] } } as never,
      grantControls: { builtInControls: ['block'] },
    }),
  ],
  [],
  [HQ],
);

/** A Fastify app configured exactly as `http/app.ts` configures `trustProxy`, with one route that evaluates by `clientIpOf`. */
async function appWith(trustedProxies: string) {
  const config = loadConfig({ LATCHKEY_TRUSTED_PROXIES: trustedProxies, LATCHKEY_DATA_DIR: '/tmp/latchkey-client-ip-test' });
  const app = Fastify({ trustProxy: config.trustedProxies.length ? config.trustedProxies : false });
  app.get('/decide', async (request) => {
    const ip = clientIpOf(request);
    const e = evaluate(
      { userId: 'u', groupIds: [], roleIds: [], target: { kind: 'application', appId: 'a' }, ipAddress: ip, performed: [], now: 0 },
      compiled,
    );
    return { ip, decision: e.decision.decision };
  });
  return app;
}

describe('client IP for location conditions (X-Forwarded-For only from trusted proxies)', () => {
  const cases: Array<[string, string, string, Record<string, string>, { ip: string; decision: string }]> = [
    [
      'no proxy configured, spoofed XFF from the internet is ignored',
      '',
      '203.0.113.9',
      { 'x-forwarded-for': '198.51.100.5' },
      { ip: '203.0.113.9', decision: 'block' },
    ],
    [
      'proxy configured, spoofed XFF from an untrusted peer is ignored',
      '10.0.0.1',
      '203.0.113.9',
      { 'x-forwarded-for': '198.51.100.5' },
      { ip: '203.0.113.9', decision: 'block' },
    ],
    [
      'XFF from the trusted proxy is believed',
      '10.0.0.1',
      '10.0.0.1',
      { 'x-forwarded-for': '198.51.100.5' },
      { ip: '198.51.100.5', decision: 'allow' },
    ],
    [
      'trusted proxy by CIDR, outside client',
      '10.0.0.0/24',
      '10.0.0.7',
      { 'x-forwarded-for': '203.0.113.9' },
      { ip: '203.0.113.9', decision: 'block' },
    ],
    [
      'a client-supplied hop left of an untrusted one is not believed',
      '10.0.0.1',
      '10.0.0.1',
      { 'x-forwarded-for': '198.51.100.5, 203.0.113.9' },
      { ip: '203.0.113.9', decision: 'block' },
    ],
    ['direct connection from the office', '', '198.51.100.200', {}, { ip: '198.51.100.200', decision: 'allow' }],
    ['IPv4-mapped IPv6 socket address', '', '::ffff:198.51.100.3', {}, { ip: '198.51.100.3', decision: 'allow' }],
  ];
  it.each(cases)('%s', async (_name, proxies, remoteAddress, headers, expected) => {
    const app = await appWith(proxies);
    const r = await app.inject({ method: 'GET', url: '/decide', remoteAddress, headers });
    expect(r.json()).toEqual(expected);
    await app.close();
  });
});
