import { generateKeyPairSync, sign, webcrypto } from 'node:crypto';

const ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const VERIFY = { name: 'ECDSA', hash: 'SHA-256' } as const;

/**
 * Raw ECDSA P-256 verifications per second on this machine, now: WebCrypto `verify` with ready
 * CryptoKeys over 256 keys, `inFlight` at a time — the one operation a passkey sign-in cannot
 * skip, so the ceiling any sign-in rate is compared with.
 */
export async function ecdsaVerifiesPerSecond(seconds = 3, inFlight = 64): Promise<number> {
  const data = new Uint8Array(100).fill(7);
  const keys = await Promise.all(
    Array.from({ length: 256 }, async () => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const key = await webcrypto.subtle.importKey('jwk', publicKey.export({ format: 'jwk' }), ALG, false, ['verify']);
      return { key, sig: sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }) };
    }),
  );
  const op = async (i: number) => {
    const k = keys[i % keys.length]!;
    if (!(await webcrypto.subtle.verify(VERIFY, k.key, k.sig, data))) throw new Error('signature did not verify');
  };
  for (let i = 0; i < 500; i++) await op(i);
  let done = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async (_, w) => {
      for (let i = w; performance.now() < end; i += inFlight) {
        await op(i);
        done++;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}
