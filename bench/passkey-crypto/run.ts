/**
 * Where a passkey sign-in's crypto time goes (ADR 0005). Measures, on this machine and in one run:
 *   1. raw ECDSA P-256 verify with a ready CryptoKey (WebCrypto)
 *   2. importKey('jwk') + verify — what @simplewebauthn/server does per assertion
 *   3. node:crypto verify with a ready KeyObject (reference)
 *   4. a full verifyAuthenticationResponse, library as shipped
 *   5. the same with Latchkey's key cache installed at the library's WebCrypto boundary
 * each sequentially (one in flight) and with 64 in flight. Usage: node bench/passkey-crypto/run.ts [seconds per case]
 */
import { createPublicKey, generateKeyPairSync, sign, verify as nodeVerify, webcrypto } from 'node:crypto';
import os from 'node:os';
import { verifyAuthenticationResponse, verifyRegistrationResponse } from '@simplewebauthn/server';
import { createAuthenticator } from '@latchkey/authenticator';
import { installKeyCache, keyCacheStats } from '../../packages/server/src/methods/passkey/key-cache.ts';

const SECONDS = Number(process.argv[2] ?? 2);
const subtle = webcrypto.subtle;
const ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const VERIFY = { name: 'ECDSA', hash: 'SHA-256' } as const;

async function rate(name: string, inFlight: number, op: (i: number) => Promise<unknown>): Promise<{ name: string; inFlight: number; perSecond: number }> {
  for (let i = 0; i < 200; i++) await op(i); // warm-up
  const end = performance.now() + SECONDS * 1000;
  let done = 0;
  const worker = async (w: number) => {
    for (let i = w; performance.now() < end; i += inFlight) {
      await op(i);
      done++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, (_, w) => worker(w)));
  const perSecond = Math.round(done / ((performance.now() - start) / 1000));
  console.log(`${name.padEnd(48)} in flight ${String(inFlight).padStart(2)}  ${String(perSecond).padStart(7)} /s`);
  return { name, inFlight, perSecond };
}

// 1–3: primitives over 256 keys (a sign-in server sees many users).
const KEYS = 256;
const data = new Uint8Array(69).fill(7);
const material = await Promise.all(
  Array.from({ length: KEYS }, async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const der = sign('sha256', data, privateKey);
    const p1363 = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    const cryptoKey = await subtle.importKey('jwk', jwk, ALG, false, ['verify']);
    return { jwk, der, p1363, cryptoKey, keyObject: createPublicKey(publicKey.export({ format: 'pem', type: 'spki' })) };
  }),
);
const m = (i: number) => material[i % KEYS]!;

// 4–5: complete assertions from software authenticators, pre-signed so only verification is timed.
const rp = { rpId: 'localhost', origin: 'http://localhost:8080' };
const CREDS = 256;
const ASSERTIONS = 4096;
const credentials: Array<{ auth: ReturnType<typeof createAuthenticator>; credential: { id: string; publicKey: Uint8Array<ArrayBuffer>; counter: number; transports?: never } }> = [];
for (let i = 0; i < CREDS; i++) {
  const auth = createAuthenticator({ aaguid: '00000000-0000-4000-8000-000000000001' });
  const challenge = Buffer.from(webcrypto.getRandomValues(new Uint8Array(32))).toString('base64url');
  const reg = await verifyRegistrationResponse({ response: auth.makeCredential({ ...rp, challenge, user: { id: 'dXNlcg', name: 'u', displayName: 'u' } }) as never, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.rpId });
  credentials.push({ auth, credential: { ...reg.registrationInfo!.credential, counter: 0 } as never });
}
const assertions = Array.from({ length: ASSERTIONS }, (_, i) => {
  const c = credentials[i % CREDS]!;
  const challenge = Buffer.from(webcrypto.getRandomValues(new Uint8Array(32))).toString('base64url');
  return { response: c.auth.getAssertion({ ...rp, challenge }), challenge, credential: c.credential };
});
const fullVerify = async (i: number) => {
  const a = assertions[i % ASSERTIONS]!;
  const r = await verifyAuthenticationResponse({ response: a.response as never, expectedChallenge: a.challenge, expectedOrigin: rp.origin, expectedRPID: rp.rpId, credential: a.credential, requireUserVerification: true });
  if (!r.verified) throw new Error('verification failed');
};

console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model}), ${SECONDS}s per case, ${KEYS} keys / ${CREDS} credentials`);
const results = [];
for (const inFlight of [1, 64]) {
  results.push(await rate('1. WebCrypto verify, ready CryptoKey', inFlight, (i) => subtle.verify(VERIFY, m(i).cryptoKey, m(i).p1363, data)));
  results.push(await rate('2. WebCrypto importKey(jwk) + verify', inFlight, async (i) => subtle.verify(VERIFY, await subtle.importKey('jwk', m(i).jwk, ALG, false, ['verify']), m(i).p1363, data)));
  results.push(await rate('3. node:crypto verify, ready KeyObject (sync)', inFlight, async (i) => nodeVerify('sha256', data, m(i).keyObject, m(i).der)));
  results.push(await rate('4. verifyAuthenticationResponse, as shipped', inFlight, fullVerify));
}
const cache = await installKeyCache();
if (!cache.installed) throw new Error('key cache did not install');
for (const inFlight of [1, 64]) results.push(await rate('5. verifyAuthenticationResponse, key cache', inFlight, fullVerify));
console.log('key cache', keyCacheStats());
console.log(JSON.stringify({ node: process.version, cpus: os.cpus().length, seconds: SECONDS, results }));
