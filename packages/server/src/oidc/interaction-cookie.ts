import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** oidc-provider's default name of the interaction cookie (lib/helpers/defaults.js `cookies.names.interaction`). */
export const INTERACTION_COOKIE = '_interaction';

/**
 * The keys oidc-provider signs its cookies with (`cookies.keys`), derived from the master key
 * (RFC 5869). The current master key's comes first and signs; those of previous master keys
 * (ADR 0020) still verify, so a rotation does not sign everyone out mid-sign-in.
 */
export function oidcCookieKeys(masterKey: Buffer, previous: readonly Buffer[] = []): string[] {
  return [masterKey, ...previous].map((k) => Buffer.from(hkdfSync('sha256', k, Buffer.alloc(0), 'latchkey/oidc/cookies', 32)).toString('base64url'));
}

/**
 * The interaction uid this browser's signed `_interaction` cookie names, or undefined when the
 * cookie or its signature is missing or wrong. The same check as oidc-provider's
 * `interactionDetails` (`ctx.cookies.get(name, { signed: true })`: the `cookies` package with
 * keygrip — `<name>.sig` = HMAC-SHA1 over `<name>=<value>`, base64 made URL-safe without
 * padding, any of the keys), without building a Koa context. Test:
 * test/signin/interaction-cookie.test.ts compares it with cookies the provider set.
 */
export function interactionUidOf(cookieHeader: string | undefined, keys: readonly string[]): string | undefined {
  if (!cookieHeader) return undefined;
  const value = cookieValue(cookieHeader, INTERACTION_COOKIE);
  const signature = value === undefined ? undefined : cookieValue(cookieHeader, `${INTERACTION_COOKIE}.sig`);
  if (value === undefined || signature === undefined) return undefined;
  const data = `${INTERACTION_COOKIE}=${value}`;
  const given = Buffer.from(signature);
  for (const key of keys) {
    const expected = Buffer.from(createHmac('sha1', key).update(data).digest('base64url'));
    if (expected.length === given.length && timingSafeEqual(expected, given)) return value;
  }
  return undefined;
}

/** The first `name=value` pair of a Cookie header, as the `cookies` package reads it (`(?:^|;) *name=([^;]*)`, quotes removed). */
function cookieValue(header: string, name: string): string | undefined {
  let from = 0;
  for (;;) {
    const at = header.indexOf(`${name}=`, from);
    if (at < 0) return undefined;
    let i = at - 1;
    while (i >= 0 && header[i] === ' ') i--;
    if (i < 0 || header[i] === ';') {
      const start = at + name.length + 1;
      const end = header.indexOf(';', start);
      const raw = end < 0 ? header.slice(start) : header.slice(start, end);
      return raw[0] === '"' ? raw.slice(1, -1) : raw;
    }
    from = at + 1;
  }
}
