import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { beginSignIn, enableFido2, newUser, registerApp, registerPasskey } from './support.ts';
import { interactionUidOf, oidcCookieKeys } from '../../src/oidc/interaction-cookie.ts';
import { totalsFor } from '../../src/store/micro-batch.ts';

/**
 * The sign-in page's calls after `start` check the interaction cookie themselves and read the flow
 * with the interaction in one statement (signin/interaction.ts `leanFlowOf`); these tests hold that
 * to what oidc-provider's `interactionDetails` decides, with cookies the provider itself set.
 */
/** `s` with its last character replaced by a different one (a fixed replacement would sometimes be the same character). */
const changeLast = (s: string) => s.slice(0, -1) + (s.endsWith('x') ? 'y' : 'x');
const cookieOf = (header: string, name: string) => new RegExp(`(?:^|; )${name.replace('.', '\\.')}=([^;]*)`).exec(header)?.[1];

for (const kind of STORE_KINDS) {
  describe(`lean interaction path [${kind}]`, () => {
    let server: TestServer;
    let rp: Awaited<ReturnType<typeof registerApp>>;
    let keys: string[];
    beforeAll(async () => {
      server = await startTestServer(kind);
      await enableFido2(server);
      rp = await registerApp(server);
      keys = oidcCookieKeys(server.runtime.masterKey.key);
    });
    afterAll(async () => server?.close());

    const pageCookies = (b: Awaited<ReturnType<typeof beginSignIn>>) =>
      b.jar.header(new URL(`/signin/${b.uid}/api/start`, server.config.issuer));

    it('reads the uid from the signed cookie the provider set, and nothing from a forged or unsigned one', async () => {
      const b = await beginSignIn(server, rp);
      const header = pageCookies(b);
      expect(interactionUidOf(header, keys)).toBe(b.uid);
      const value = cookieOf(header, '_interaction')!;
      const sig = cookieOf(header, '_interaction.sig')!;
      expect(value).toBe(b.uid);
      // Another uid under the same signature, a changed signature, no signature, another key: all refused.
      expect(interactionUidOf(header.replace(`_interaction=${value}`, `_interaction=${changeLast(value)}`), keys)).toBeUndefined();
      expect(interactionUidOf(header.replace(`_interaction.sig=${sig}`, `_interaction.sig=${changeLast(sig)}`), keys)).toBeUndefined();
      expect(interactionUidOf(`_interaction=${value}`, keys)).toBeUndefined();
      expect(interactionUidOf(header, ['another-key'])).toBeUndefined();
      // A cookie whose name merely ends in _interaction is not it; the first real one wins, quotes removed, any listed key verifies.
      const forged = `x_interaction=evil; _interaction="${value}"; _interaction.sig=${sig}`;
      expect(interactionUidOf(forged, ['old-key', ...keys])).toBe(value);
      const mine = createHmac('sha1', 'k').update('_interaction=abc').digest('base64url');
      expect(interactionUidOf(`_interaction_resume=zzz; _interaction=abc; _interaction.sig=${mine}`, ['k'])).toBe('abc');
      expect(interactionUidOf(undefined, keys)).toBeUndefined();
      // After a master key rotation (ADR 0020) the previous key's cookie key comes second and still verifies.
      const rotated = oidcCookieKeys(randomBytes(32), [server.runtime.masterKey.key]);
      expect(rotated[1]).toBe(keys[0]);
      expect(interactionUidOf(header, rotated)).toBe(b.uid);
      expect(interactionUidOf(header, rotated.slice(0, 1))).toBeUndefined();
    });

    it('serves options and verify without reading the interaction through the provider, and stores only the result', async () => {
      const user = await newUser(server);
      const auth = await registerPasskey(server, user.id);
      const b = await beginSignIn(server, rp);
      await b.post('start');
      const before = await payloadOf(b.uid);
      const finds = totalsFor('oidc_payload_find').items;
      const lean = totalsFor('signin_flow_live_find').items;
      const completions = totalsFor('signin_completion').items;
      const v = await b.usernamelessPasskey(auth);
      expect(v.body).toMatchObject({ state: 'complete', username: user.upn });
      expect(v.body.redirectTo).toBe(before.payload.returnTo);
      if (kind === 'postgres') {
        // PostgreSQL gathers these statements and counts them (PGlite runs the one-row forms, uncounted).
        expect(totalsFor('oidc_payload_find').items - finds).toBe(0);
        expect(totalsFor('signin_flow_live_find').items - lean).toBe(2);
        // Nothing more was needed: the use, the flow, the log row and the result went in one write (signin/passkey-completion.ts).
        expect(totalsFor('signin_completion').items - completions).toBe(1);
      }
      const after = await payloadOf(b.uid);
      const { result, ...rest } = after.payload;
      expect(rest).toEqual(before.payload);
      expect(after.expiresAt).toEqual(before.expiresAt);
      expect(result).toMatchObject({ login: { accountId: user.id, amr: ['hwk', 'mfa', 'user'] } });
      // The provider resumes from that result: the app gets its ID token.
      expect((await b.finish(v.body.redirectTo)).claims()!.sub).toBe(user.id);
    });

    it('two pages signing in with the same counter at once: one succeeds, the other is refused as a possible clone and audited', async () => {
      const user = await newUser(server);
      const auth = await registerPasskey(server, user.id);
      const [b1, b2] = [await beginSignIn(server, rp), await beginSignIn(server, rp)];
      await Promise.all([b1.post('start'), b2.post('start')]);
      const [o1, o2] = [await b1.post('passkey/options'), await b2.post('passkey/options')];
      const assertion = (o: typeof o1) =>
        auth.getAssertion({
          rpId: o.body.options.rpId,
          origin: server.config.publicUrl.origin,
          challenge: o.body.options.challenge,
          allowCredentials: [],
        });
      const r1 = assertion(o1);
      const credentialId = JSON.parse(JSON.stringify(r1)).id as string;
      auth.setSignCount(credentialId, 0); // the second assertion carries the same counter (1)
      const r2 = assertion(o2);
      const [v1, v2] = await Promise.all([b1.post('passkey/verify', { response: r1 }), b2.post('passkey/verify', { response: r2 })]);
      const ok = [v1, v2].filter((v) => v.status === 200);
      const refused = [v1, v2].filter((v) => v.status !== 200);
      expect(ok).toHaveLength(1);
      expect(ok[0]!.body.state).toBe('complete');
      expect(refused).toHaveLength(1);
      expect(refused[0]!.status).toBe(400);
      expect(refused[0]!.body.error.details).toMatchObject({ reason: 'passkeyFailed', passkeyReason: 'signCountRegression' });
      const db = server.runtime.store.db;
      const audit = await db
        .selectFrom('audit_log')
        .select(['result', 'target_resources'])
        .where('activity_display_name', '=', 'Possible cloned authenticator')
        .execute();
      expect(audit.filter((a) => JSON.stringify(a.target_resources).includes(user.id))).toHaveLength(1);
      // The refused page's flow is not complete and its interaction has no result.
      const refusedUid = refused[0] === v1 ? b1.uid : b2.uid;
      expect((await payloadOf(refusedUid)).payload.result).toBeUndefined();
      const flow = await db
        .selectFrom('signin_flows')
        .select(['state', 'failures'])
        .where('interaction_uid', '=', refusedUid)
        .executeTakeFirstOrThrow();
      expect(flow).toMatchObject({ state: 'identify', failures: 1 });
    });

    it('a cookie of another sign-in, or an expired interaction, is refused as before and changes nothing', async () => {
      const b1 = await beginSignIn(server, rp);
      const b2 = await beginSignIn(server, rp);
      await b1.post('start');
      await b2.post('start');
      // b2's page called with b1's cookies: the provider's path answers, as it always did.
      const u = new URL(`/signin/${b2.uid}/api/passkey/options`, server.config.issuer);
      const res = await fetch(u, { method: 'POST', headers: { 'content-type': 'application/json', cookie: pageCookies(b1) }, body: '{}' });
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { details: { reason: string } } }).error.details.reason).toBe('flowNotFound');
      const challenges = await countChallenges();
      await sql`update oidc_payloads set expires_at = now() - interval '1 second' where kind = 'Interaction' and id = ${b2.uid}`.execute(
        server.runtime.store.db,
      );
      const expired = await b2.post('passkey/options');
      expect(expired.status).toBe(404);
      expect(expired.body.error.details.reason).toBe('flowNotFound');
      expect(await countChallenges()).toBe(challenges);
    });

    async function payloadOf(uid: string) {
      const r = await server.runtime.store.db
        .selectFrom('oidc_payloads')
        .select(['payload', 'expires_at'])
        .where('kind', '=', 'Interaction')
        .where('id', '=', uid)
        .executeTakeFirstOrThrow();
      const payload = (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>;
      return { payload, expiresAt: r.expires_at ? new Date(r.expires_at) : null };
    }
    async function countChallenges() {
      return Number(
        (
          await server.runtime.store.db
            .selectFrom('passkey_challenges')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    }
  });
}
