/**
 * Complete passkey sign-in ceremonies through the domain functions (no HTTP): options (challenge
 * stored) + verifyAuthentication (challenge consumed, policy loaded, signature verified with the
 * key cache, counter stored), 64 in flight, on PGlite (in memory) and a throwaway PostgreSQL.
 * A baseline for the HTTP sign-in bench of the sign-in flow. Usage:
 *   node bench/passkey-crypto/ceremony.ts [seconds] [pglite|postgres|both]
 */
import { randomUUID } from 'node:crypto';
import { createAuthenticator, type SoftAuthenticator } from '@latchkey/authenticator';
import { openStore, type Store } from '../../packages/server/src/store/database.ts';
import { migrateToLatest } from '../../packages/server/src/store/migrate.ts';
import { systemContext } from '../../packages/server/src/auth/principal.ts';
import { updateMethodConfiguration } from '../../packages/server/src/policy/authentication-methods/update.ts';
import { generateRegistrationOptions } from '../../packages/server/src/methods/passkey/generateRegistrationOptions.ts';
import { verifyRegistration } from '../../packages/server/src/methods/passkey/verifyRegistration.ts';
import { generateAuthenticationOptions } from '../../packages/server/src/methods/passkey/generateAuthenticationOptions.ts';
import { verifyAuthentication } from '../../packages/server/src/methods/passkey/verifyAuthentication.ts';
import { keyCacheStats } from '../../packages/server/src/methods/passkey/key-cache.ts';
import { summarize } from '../support/stats.ts';
// @ts-expect-error plain ESM script without types
import { startThrowawayPostgres } from '../../scripts/pg-throwaway.mjs';

const SECONDS = Number(process.argv[2] ?? 5);
const WHICH = process.argv[3] ?? 'both';
const USERS = 256;
const IN_FLIGHT = 64;
const rp = { id: 'localhost', name: 'Latchkey', origins: ['http://localhost:8080'] };
const ctx = systemContext('bench');

async function run(kind: string, store: Store): Promise<void> {
  await migrateToLatest(store.db);
  await updateMethodConfiguration(store.db, ctx, 'Fido2', { '@odata.type': '#microsoft.graph.fido2AuthenticationMethodConfiguration', state: 'enabled', isAttestationEnforced: false });
  const deps = { db: store.db, rp };
  const users: Array<{ id: string; auth: SoftAuthenticator }> = [];
  for (let i = 0; i < USERS; i++) {
    const id = randomUUID();
    await store.db.insertInto('users').values({ id, user_principal_name: `bench${i}-${id.slice(0, 6)}@bench.test`, display_name: `Bench ${i}`, created_at: new Date(), updated_at: new Date() }).execute();
    const auth = createAuthenticator({ aaguid: '00000000-0000-4000-8000-000000000002' });
    const options = await generateRegistrationOptions(deps, { userId: id });
    await verifyRegistration(deps, ctx, { response: auth.makeCredential({ rpId: rp.id, origin: rp.origins[0]!, challenge: options.challenge, user: options.user }) as never });
    users.push({ id, auth });
  }
  const samples: number[] = [];
  let failures = 0;
  const signIn = async (i: number) => {
    const u = users[i % USERS]!;
    const t0 = performance.now();
    const options = await generateAuthenticationOptions(deps, { userId: u.id });
    const response = u.auth.getAssertion({ rpId: rp.id, origin: rp.origins[0]!, challenge: options.challenge, allowCredentials: options.allowCredentials ?? [] });
    await verifyAuthentication(deps, ctx, { response: response as never });
    samples.push(performance.now() - t0);
  };
  for (let i = 0; i < 100; i++) await signIn(i);
  samples.length = 0;
  const end = performance.now() + SECONDS * 1000;
  const start = performance.now();
  // Each worker owns users w, w+64, …: a user's authenticator is never used concurrently (its counter stays ordered).
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async (_, w) => {
      for (let i = w; performance.now() < end; i += IN_FLIGHT) {
        try {
          await signIn(i);
        } catch {
          failures++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  const s = summarize(samples);
  console.log(`${kind.padEnd(9)} ${Math.round(s.n / elapsed)} sign-ins/s  p50 ${s.p50.toFixed(1)} ms  p99 ${s.p99.toFixed(1)} ms  (n=${s.n}, failures=${failures}, ${IN_FLIGHT} in flight, in-process, includes authenticator signing)`);
}

console.log(`node ${process.version}; ${SECONDS}s per backend`);
if (WHICH !== 'postgres') {
  const store = await openStore({ databaseUrl: undefined, dataDir: '/nonexistent', pgliteDataDir: 'memory://' });
  await run('pglite', store);
  await store.close();
}
if (WHICH !== 'pglite') {
  const pg = await startThrowawayPostgres();
  try {
    const store = await openStore({ databaseUrl: pg.url as string, dataDir: '/nonexistent', poolMax: 16 });
    await run('postgres', store);
    await store.close();
  } finally {
    await pg.stop();
  }
}
console.log('key cache', keyCacheStats());
