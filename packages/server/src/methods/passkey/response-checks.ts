import { createHash, createPublicKey, timingSafeEqual, type JsonWebKey as NodeJwk } from 'node:crypto';
import { CborError, decodeCbor, jwkFromCoseKey } from '@latchkey/protocol';
import { PasskeyError, ensure } from './errors.ts';
import { PASSKEY_LIMITS, type RelyingParty } from './relying-party.ts';

/**
 * The stateless checks run on a ceremony response before anything touches the database, one
 * small named function each (house style §6), so a bad response is refused with a precise
 * reason and without consuming anything. @simplewebauthn/server then verifies the whole
 * response again (it is the authority); these exist to give specific errors and bound input.
 */

/** base64url → bytes, refusing non-strings, bad alphabet and anything over `max` bytes. */
export function decodeField(name: string, value: unknown, max: number): Uint8Array {
  ensure(typeof value === 'string' && /^[A-Za-z0-9_-]*$/.test(value), 'malformedResponse', `response.${name} must be a base64url string.`);
  if (Math.floor((value.length * 3) / 4) > max) throw new PasskeyError('responseTooLarge', `response.${name} is larger than ${max} bytes.`);
  return new Uint8Array(Buffer.from(value, 'base64url'));
}

export interface ClientData {
  type: string;
  challenge: string;
  origin: string;
}

/** WebAuthn L3 §7.1 steps 5–8 / §7.2 steps 9–12: parse clientDataJSON and check its type. */
export function checkClientData(b64: unknown, expectedType: 'webauthn.create' | 'webauthn.get'): ClientData {
  const bytes = decodeField('clientDataJSON', b64, PASSKEY_LIMITS.maxClientDataBytes);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new PasskeyError('malformedClientData', 'clientDataJSON is not UTF-8 JSON.');
  }
  ensure(parsed && typeof parsed === 'object' && typeof parsed.type === 'string' && typeof parsed.challenge === 'string' && typeof parsed.origin === 'string', 'malformedClientData', 'clientDataJSON lacks type, challenge or origin.');
  ensure(parsed.type === expectedType, 'unexpectedCeremonyType', `clientDataJSON.type is '${String(parsed.type).slice(0, 40)}', expected '${expectedType}'.`);
  ensure(/^[A-Za-z0-9_-]{16,128}$/.test(parsed.challenge as string), 'malformedClientData', 'clientDataJSON.challenge is not a base64url challenge.');
  return { type: parsed.type as string, challenge: parsed.challenge as string, origin: parsed.origin as string };
}

/** WebAuthn L3 §7.1 step 9 / §7.2 step 13: the origin must be one of the RP's, exactly. */
export function checkOrigin(clientData: ClientData, rp: RelyingParty): void {
  ensure(rp.origins.includes(clientData.origin), 'originMismatch', `The response came from origin '${clientData.origin.slice(0, 100)}', which is not this site.`);
}

/** WebAuthn L3 §7.1 step 13 / §7.2 step 15: authenticatorData starts with SHA-256(rpId). */
export function checkRpIdHash(authData: Uint8Array, rp: RelyingParty): void {
  ensure(authData.length >= 37, 'malformedAuthenticatorData', 'authenticatorData is shorter than 37 bytes.');
  const expected = createHash('sha256').update(rp.id).digest();
  ensure(timingSafeEqual(Buffer.from(authData.subarray(0, 32)), expected), 'rpIdMismatch', `The credential was made for another relying party, not '${rp.id}'.`);
}

export interface AttestationObject {
  fmt: string;
  attStmt: Map<unknown, unknown>;
  authData: Uint8Array;
}

/** WebAuthn L3 §7.1 step 12: strict CBOR decoding of the attestation object (no trailing bytes, bounded). */
export function checkAttestationObject(b64: unknown): AttestationObject {
  const bytes = decodeField('attestationObject', b64, PASSKEY_LIMITS.maxAttestationObjectBytes);
  let value;
  try {
    value = decodeCbor(bytes, { maxDepth: 8, maxLength: PASSKEY_LIMITS.maxAttestationObjectBytes });
  } catch (cause) {
    if (!(cause instanceof CborError)) throw cause;
    throw new PasskeyError('malformedAttestationObject', `attestationObject is not valid CBOR (${cause.code}).`, { cause, details: { cbor: cause.code } });
  }
  ensure(value instanceof Map, 'malformedAttestationObject', 'attestationObject is not a CBOR map.');
  const fmt = value.get('fmt');
  const attStmt = value.get('attStmt');
  const authData = value.get('authData');
  ensure(typeof fmt === 'string' && attStmt instanceof Map && authData instanceof Uint8Array, 'malformedAttestationObject', 'attestationObject lacks fmt, attStmt or authData.');
  // flags bit 6 (AT) must be set at registration (WebAuthn L3 §6.1).
  ensure(authData.length > 55 && (authData[32]! & 0x40) !== 0, 'malformedAuthenticatorData', 'authenticatorData carries no attested credential data.');
  return { fmt, attStmt, authData };
}

/**
 * WebAuthn L3 §6.5.5: an ES256/384/512 assertion signature is a DER ECDSA-Sig-Value,
 * SEQUENCE { r INTEGER, s INTEGER }. Checked exactly here — no trailing or missing bytes —
 * because the library's parser tolerates bytes after the SEQUENCE, which would make one
 * assertion acceptable under several encodings.
 */
export function checkEcdsaSignatureEncoding(sig: Uint8Array): void {
  const fail = () => new PasskeyError('malformedResponse', 'The signature is not a DER-encoded ECDSA signature.');
  let i = 0;
  const readLength = (): number => {
    const first = sig[i++];
    if (first === undefined) throw fail();
    if (first < 0x80) return first;
    if (first !== 0x81) throw fail(); // ECDSA signatures up to P-521 fit in one length byte
    const n = sig[i++];
    if (n === undefined || n < 0x80) throw fail();
    return n;
  };
  if (sig[i++] !== 0x30) throw fail();
  const seqLength = readLength();
  if (i + seqLength !== sig.length) throw fail();
  for (let k = 0; k < 2; k++) {
    if (sig[i++] !== 0x02) throw fail();
    const n = readLength();
    if (n === 0 || i + n > sig.length) throw fail();
    i += n;
  }
  if (i !== sig.length) throw fail();
}

/**
 * WebAuthn L3 §7.1 step 18 leaves key validation to the RP: an EC2 P-256 key must be a point on
 * the curve, or the passkey could never sign in (and with `none` attestation nothing else vouches
 * for the bytes). Other key types are left to the library.
 */
export function checkCredentialPublicKey(cosePublicKey: Uint8Array): void {
  if (coseKeyType(cosePublicKey) !== 2) return;
  try {
    createPublicKey({ key: { ...jwkFromCoseKey(cosePublicKey) } as NodeJwk, format: 'jwk' });
  } catch (cause) {
    throw new PasskeyError('malformedAuthenticatorData', 'The credential public key is not a valid P-256 key.', { cause });
  }
}

/** COSE key type of a stored credential public key (1 OKP, 2 EC2, 3 RSA), or undefined. */
export function coseKeyType(publicKey: Uint8Array): number | undefined {
  try {
    const key = decodeCbor(publicKey, { maxDepth: 2, maxLength: 4096 });
    const kty = key instanceof Map ? key.get(1) : undefined;
    return typeof kty === 'number' ? kty : undefined;
  } catch {
    return undefined;
  }
}

/** A Latchkey user id (UUID) as the 16-byte WebAuthn user handle, and back. */
export const userHandleOf = (userId: string): Uint8Array => new Uint8Array(Buffer.from(userId.replaceAll('-', ''), 'hex'));
export function userIdOfHandle(handle: Uint8Array): string | undefined {
  if (handle.length !== 16) return undefined;
  const h = Buffer.from(handle).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
