import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { beginSignIn, enableFido2, newUser, registerApp, registerPasskey } from './support.ts';

/**
 * The passkey verify endpoint takes any JSON object as the assertion (`response`: the browser's
 * PublicKeyCredential JSON, checked by SimpleWebAuthn and Latchkey). route-fuzz.test.ts cannot
 * reach it past the interaction lookup; here every request goes to a live flow with a real
 * challenge, starting from a valid assertion with one part replaced, removed or corrupted:
 *   - never a 5xx;
 *   - a corrupted signed or identifying part (id, rawId, type, clientDataJSON, authenticatorData,
 *     signature, userHandle) is refused with `{"error":{"code","message"}}`, and nothing is
 *     stored: no flow completes, the credential's counter does not move;
 *   - the unsigned hints (`authenticatorAttachment`, `clientExtensionResults`) may be anything: the
 *     relying party ignores values it does not know (WebAuthn L3 §5.1), so those sign in or not,
 *     but never fail the server;
 *   - afterwards a good assertion still signs in.
 * Deterministic: LATCHKEY_FUZZ_SEED, as route-fuzz.
 */
const SEED = Number(process.env.LATCHKEY_FUZZ_SEED ?? 20261201);
const RUNS = Number(process.env.LATCHKEY_VERIFY_FUZZ_RUNS ?? 100);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const jsonValue: fc.Arbitrary<Json> = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;

/** One corruption of a valid assertion, at a path (`['response', 'signature']`, say). */
const corruption = (paths: string[][]) =>
  fc.record({
    path: fc.constantFrom(...paths),
    how: fc.oneof(
      fc.record({ kind: fc.constant('replace' as const), value: jsonValue }),
      fc.record({ kind: fc.constant('remove' as const) }),
      fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat({ max: 400 }) }),
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat({ max: 400 }), bit: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ kind: fc.constant('huge' as const), size: fc.constantFrom(70_000, 300_000) }),
    ),
  });

/** The parts of the credential JSON no signature covers, which a relying party must not trust or refuse on. */
const HINTS = new Set(['authenticatorAttachment', 'clientExtensionResults']);

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function corrupt(valid: Record<string, unknown>, c: { path: string[]; how: { kind: string; value?: Json; keep?: number; at?: number; bit?: number; size?: number } }): Record<string, unknown> {
  const copy = structuredClone(valid);
  let parent: Record<string, unknown> = copy;
  for (const key of c.path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
  const key = c.path.at(-1)!;
  const old = parent[key];
  switch (c.how.kind) {
    case 'replace':
      parent[key] = c.how.value;
      break;
    case 'remove':
      delete parent[key];
      break;
    case 'truncate':
      parent[key] = typeof old === 'string' ? old.slice(0, c.how.keep! % (old.length || 1)) : old;
      break;
    case 'flip': {
      if (typeof old !== 'string' || !old.length) break;
      const i = c.how.at! % old.length;
      const j = B64URL.indexOf(old[i]!);
      const swapped = j < 0 ? 'A' : B64URL[(j ^ (1 << c.how.bit!)) & 63]!;
      parent[key] = old.slice(0, i) + swapped + old.slice(i + 1);
      break;
    }
    case 'huge':
      parent[key] = 'A'.repeat(c.how.size!);
      break;
  }
  return copy;
}

/**
 * Whether a corruption left the decoded value alone: the same JSON, or, for a base64url field
 * other than the two ids (compared as strings, WebAuthn L3 §5.1: `id` is `rawId` encoded), a flip
 * of the spare low bits of the last character (37 bytes of authenticator data take 50 characters,
 * 300 bits for 296), which decodes to the same bytes and so to the same signed data.
 */
function sameBytes(valid: Record<string, unknown>, bad: Record<string, unknown>, path: string[]): boolean {
  if (JSON.stringify(bad) === JSON.stringify(valid)) return true;
  if (path.length !== 2 || path[0] !== 'response') return false;
  const a = (valid.response as Record<string, unknown>)[path[1]!];
  const b = (bad.response as Record<string, unknown>)[path[1]!];
  return typeof a === 'string' && typeof b === 'string' && a.length === b.length && Buffer.from(a, 'base64url').equals(Buffer.from(b, 'base64url'));
}

for (const kind of STORE_KINDS) {
  describe(`passkey verify with corrupted assertions [${kind}]`, () => {
    let server: TestServer;
    beforeAll(async () => {
      // Each run comes from its own address (X-Forwarded-For from a trusted loopback proxy), so the
      // page's per-address limit (300 a minute) never answers instead of the check under test.
      server = await startTestServer(kind, { LATCHKEY_TRUSTED_PROXIES: '127.0.0.1' });
      await enableFido2(server);
    });
    afterAll(async () => server?.close());

    it('never a 5xx; a corrupted signed or identifying part never signs in; a good assertion still does afterwards', async () => {
      const rp = await registerApp(server, 'https://verify-fuzz.example/cb');
      const user = await newUser(server);
      const auth = await registerPasskey(server, user.id);
      const counter = async () => Number((await server.runtime.store.db.selectFrom('passkey_credentials').select('sign_count').where('user_id', '=', user.id).executeTakeFirstOrThrow()).sign_count);
      const completed = async () =>
        Number((await server.runtime.store.db.selectFrom('signin_flows').select((e) => e.fn.countAll().as('n')).where('state', '=', 'complete').executeTakeFirstOrThrow()).n);
      const counterBefore = await counter();
      const completedBefore = await completed();

      const seen = new Map<number, number>();
      let hintSignIns = 0;
      let run = 0;
      let lastAcceptedCount: number | undefined;
      await fc.assert(
        fc.asyncProperty(
          corruption([
            ['id'],
            ['rawId'],
            ['type'],
            ['response'],
            ['response', 'clientDataJSON'],
            ['response', 'authenticatorData'],
            ['response', 'signature'],
            ['response', 'userHandle'],
            ['clientExtensionResults'],
            ['authenticatorAttachment'],
          ]),
          async (c) => {
            const b = await beginSignIn(server, rp); // a flow of its own: each run stands alone (and shrinks alone)
            const address = `198.18.${(run >> 8) & 255}.${run & 255}`; // RFC 2544's benchmarking range
            run++;
            const post = async (path: string, body: unknown = {}) => {
              const u = new URL(`/signin/${b.uid}/api/${path}`, server.config.issuer);
              const res = await fetch(u, { method: 'POST', headers: { 'content-type': 'application/json', cookie: b.jar.header(u), 'x-forwarded-for': address }, body: JSON.stringify(body) });
              b.jar.store(res);
              const text = await res.text();
              return { status: res.status, body: text ? JSON.parse(text) : undefined };
            };
            await post('start');
            const o = await post('passkey/options');
            expect(o.status, JSON.stringify(o.body)).toBe(200);
            const valid = auth.getAssertion({ rpId: o.body.options.rpId, origin: server.config.publicUrl.origin, challenge: o.body.options.challenge, allowCredentials: [] }) as unknown as Record<string, unknown>;
            const bad = corrupt(valid, c);
            if (sameBytes(valid, bad, c.path)) return; // the corruption changed nothing the server decodes (see sameBytes)
            const v = await post('passkey/verify', { response: bad });
            seen.set(v.status, (seen.get(v.status) ?? 0) + 1);
            expect(v.status, JSON.stringify({ c, body: v.body }).slice(0, 600)).toBeLessThan(500);
            if (HINTS.has(c.path.join('.'))) {
              if (v.status === 200) {
                hintSignIns++;
                lastAcceptedCount = Buffer.from((valid.response as { authenticatorData: string }).authenticatorData, 'base64url').readUInt32BE(33);
              }
              return;
            }
            expect(v.status, JSON.stringify({ c, body: v.body }).slice(0, 600)).toBeGreaterThanOrEqual(400);
            expect(v.status, JSON.stringify({ c, body: v.body }).slice(0, 600)).toBeLessThan(500);
            expect(v.body?.error, JSON.stringify(v.body)).toMatchObject({ code: expect.any(String), message: expect.any(String) });
          },
        ),
        { seed: SEED, numRuns: RUNS },
      );
      // The software authenticator counted every signature it made; the server stored the counter of the last sign-in that went through, or none.
      expect(await counter()).toBe(lastAcceptedCount ?? counterBefore);
      expect(await completed()).toBe(completedBefore + hintSignIns);
      expect([...seen.keys()].every((s) => s < 500)).toBe(true);
      expect(seen.get(400) ?? 0).toBeGreaterThan(RUNS / 2); // most corruptions were refused, not skipped

      // A fresh flow signs in with a good assertion.
      const good = await beginSignIn(server, rp);
      await good.post('start');
      const v = await good.usernamelessPasskey(auth);
      expect(v.status).toBe(200);
      expect((await good.finish(v.body.redirectTo)).claims()?.sub).toBe(user.id);
    }, 120_000);
  });
}
