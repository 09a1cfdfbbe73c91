import { createHash, createPublicKey, type KeyObject, verify as verifySync } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * A cache of imported public keys at SimpleWebAuthn's WebCrypto boundary (ADR 0005).
 *
 * @simplewebauthn/server verifies every assertion with `crypto.subtle.importKey('jwk', …)`
 * followed by `crypto.subtle.verify`; on this machine the import costs about 3× the check.
 * The library obtains its `Crypto` from one function, `getWebCrypto()`, whose module exposes
 * `_getWebCryptoInternals.setCachedCrypto()`. We hand it a `Crypto` that delegates everything to
 * the platform's and memoises only `importKey('jwk', publicKey, alg, extractable=false, ['verify'])`
 * — the result is an immutable, non-extractable CryptoKey, so sharing it changes no outcome.
 * No verification logic is copied; if the hook ever disappears, `installKeyCache` says so and
 * the library keeps working uncached.
 *
 * The same `Crypto` also answers two primitives synchronously with node:crypto instead of as
 * WebCrypto jobs (each a round trip through libuv's thread pool and a promise, which the passkey
 * benchmark's profile showed costing as much as the work: 7 % of the server's time for two
 * SHA-256 digests per assertion, 7 % for the ECDSA check): `digest` for SHA-1/256/384/512, and
 * `verify` for ECDSA with a public key imported through this cache (node:crypto's key is made
 * from the same JWK; the IEEE P1363 `r‖s` signature WebCrypto takes, `dsaEncoding: 'ieee-p1363'`). Same algorithms, same inputs, same answers — the tests
 * compare both against the platform's — only without the detour. Anything else goes to the
 * platform unchanged.
 */
export interface KeyCacheStats {
  installed: boolean;
  hits: number;
  misses: number;
  size: number;
  /** Digests and ECDSA checks answered synchronously (not as WebCrypto jobs). */
  syncDigests: number;
  syncVerifies: number;
}

const MAX_ENTRIES = 50_000;
const cache = new Map<string, Promise<CryptoKey>>();
const stats: KeyCacheStats = { installed: false, hits: 0, misses: 0, size: 0, syncDigests: 0, syncVerifies: 0 };
let installing: Promise<KeyCacheStats> | undefined;

/** Cache key: the public JWK's defining members plus the import algorithm. Undefined = not cacheable. */
function cacheKey(format: string, keyData: unknown, algorithm: unknown, extractable: boolean, usages: readonly string[]): string | undefined {
  if (format !== 'jwk' || extractable || usages.length !== 1 || usages[0] !== 'verify') return undefined;
  const k = keyData as Record<string, unknown>;
  if (!k || typeof k !== 'object' || 'd' in k || 'p' in k || 'k' in k) return undefined; // public keys only
  return JSON.stringify([k.kty, k.crv, k.x, k.y, k.n, k.e, k.alg, k.pub, algorithm]);
}

const DIGESTS: Record<string, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const nameOf = (algorithm: unknown): string | undefined =>
  typeof algorithm === 'string' ? algorithm : typeof (algorithm as { name?: unknown })?.name === 'string' ? (algorithm as { name: string }).name : undefined;
const bytesOf = (data: unknown): Uint8Array | undefined =>
  data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : undefined;
const toArrayBuffer = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
/** node:crypto's KeyObject for each public key imported through the cache, made once from the same JWK. */
const keyObjects = new WeakMap<CryptoKey, KeyObject>();

/** A `Crypto` that is the platform's except for a memoised public-key `importKey` and synchronous digests and ECDSA checks. */
export function cachingCrypto(base: Crypto): Crypto {
  const subtle = base.subtle;
  const digest = (algorithm: unknown, data: unknown): Promise<ArrayBuffer> => {
    const hash = DIGESTS[nameOf(algorithm)?.toUpperCase() ?? ''];
    const bytes = bytesOf(data);
    if (!hash || !bytes) return (subtle.digest as (...a: unknown[]) => Promise<ArrayBuffer>).call(subtle, algorithm, data);
    stats.syncDigests++;
    return Promise.resolve(toArrayBuffer(createHash(hash).update(bytes).digest()));
  };
  const verify = (algorithm: unknown, key: CryptoKey, signature: unknown, data: unknown): Promise<boolean> => {
    const a = algorithm as { name?: unknown; hash?: unknown };
    const hash = DIGESTS[nameOf(a?.hash)?.toUpperCase() ?? ''];
    const sig = bytesOf(signature);
    const bytes = bytesOf(data);
    const ecdsa = nameOf(a) === 'ECDSA' && key?.type === 'public' && (key.algorithm as { name?: string }).name === 'ECDSA';
    if (!ecdsa || !hash || !sig || !bytes) return (subtle.verify as (...x: unknown[]) => Promise<boolean>).call(subtle, algorithm, key, signature, data);
    const ko = keyObjects.get(key);
    if (!ko) return (subtle.verify as (...x: unknown[]) => Promise<boolean>).call(subtle, algorithm, key, signature, data);
    stats.syncVerifies++;
    try {
      return Promise.resolve(verifySync(hash, bytes, { key: ko, dsaEncoding: 'ieee-p1363' }, sig));
    } catch (e) {
      return Promise.reject(e);
    }
  };
  const importKey = (format: string, keyData: unknown, algorithm: unknown, extractable: boolean, usages: readonly string[]): Promise<CryptoKey> => {
    const key = cacheKey(format, keyData, algorithm, extractable, usages);
    const call = () => (subtle.importKey as (...a: unknown[]) => Promise<CryptoKey>).call(subtle, format, keyData, algorithm, extractable, usages);
    if (!key) return call();
    const hit = cache.get(key);
    if (hit) {
      stats.hits++;
      cache.delete(key); // LRU: move to the end
      cache.set(key, hit);
      return hit;
    }
    stats.misses++;
    const p = call();
    p.then(
      (k) => {
        if (nameOf(algorithm) === 'ECDSA') keyObjects.set(k, createPublicKey({ key: keyData as import('node:crypto').JsonWebKey, format: 'jwk' }));
      },
      () => cache.delete(key),
    );
    cache.set(key, p);
    if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
    stats.size = cache.size;
    return p;
  };
  const facadeSubtle = new Proxy(subtle, {
    get(target, prop) {
      if (prop === 'importKey') return importKey;
      if (prop === 'digest') return digest;
      if (prop === 'verify') return verify;
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return {
    subtle: facadeSubtle,
    getRandomValues: base.getRandomValues.bind(base),
    randomUUID: base.randomUUID.bind(base),
  } as Crypto;
}

/** The module of @simplewebauthn/server that owns its Crypto instance (same file the package loads). */
async function webCryptoModule(): Promise<{ _getWebCryptoInternals?: { setCachedCrypto?: (c: Crypto) => void } }> {
  const require = createRequire(import.meta.url);
  const cjsEntry = require.resolve('@simplewebauthn/server'); // <root>/script/index.js
  const file = join(dirname(dirname(cjsEntry)), 'esm', 'helpers', 'iso', 'isoCrypto', 'getWebCrypto.js');
  return import(pathToFileURL(file).href);
}

/**
 * Installs the cache once per process and proves it took effect: a signature is verified
 * twice through the library's public `verifySignature` helper and the second import must be a
 * cache hit. Returns the stats; `installed: false` means the library runs uncached.
 */
export function installKeyCache(): Promise<KeyCacheStats> {
  installing ??= (async () => {
    try {
      const mod = await webCryptoModule();
      const set = mod._getWebCryptoInternals?.setCachedCrypto;
      if (typeof set !== 'function') return stats;
      set(cachingCrypto(globalThis.crypto));
      stats.installed = await selfTest();
    } catch {
      stats.installed = false;
    }
    return stats;
  })();
  return installing;
}

async function selfTest(): Promise<boolean> {
  const { generateKeyPairSync, sign } = await import('node:crypto');
  const { encodeCoseKey } = await import('@latchkey/protocol');
  const { verifySignature } = await import('@simplewebauthn/server/helpers');
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = new Uint8Array([1, 2, 3]) as Uint8Array<ArrayBuffer>;
  const signature = new Uint8Array(sign('sha256', data, privateKey)) as Uint8Array<ArrayBuffer>;
  const credentialPublicKey = encodeCoseKey(publicKey.export({ format: 'jwk' })) as Uint8Array<ArrayBuffer>;
  const before = stats.hits;
  const ok1 = await verifySignature({ signature, data, credentialPublicKey });
  const ok2 = await verifySignature({ signature, data, credentialPublicKey });
  return ok1 && ok2 && stats.hits >= before + 1;
}

/** Counters for the bench and the metrics endpoint. */
export function keyCacheStats(): KeyCacheStats {
  return { ...stats, size: cache.size };
}
