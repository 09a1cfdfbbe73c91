import { randomBytes } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import type { Store } from '../../src/store/database.ts';
import { rowCount } from '../support/counts.ts';
import { createEnvelope } from '../../src/secrets/envelope.ts';
import { systemContext } from '../../src/auth/principal.ts';
import { createUser } from '../../src/directory/users.ts';
import { base32Encode } from '../../src/methods/oath/base32.ts';

export const ctx = systemContext('oath-test');
export const envelope = createEnvelope(randomBytes(32));

/** A fresh user; returns its id and UPN. */
export async function makeUser(store: Store, alias = `u${randomBytes(4).toString('hex')}`): Promise<{ id: string; upn: string }> {
  const upn = `${alias}@latchkey.test`;
  const u = await createUser(store.db, ctx, { userPrincipalName: upn, displayName: `User ${alias}` });
  return { id: u.id, upn };
}

/** A random 160-bit Base32 seed. */
export const newSecret = (): string => base32Encode(randomBytes(20));

/** The code another library (otpauth) computes for this seed at `ms`. */
export function otpauthCode(secret: string, ms: number, o: { period?: number; digits?: number; algorithm?: string } = {}): string {
  return new OTPAuth.TOTP({
    secret: OTPAuth.Secret.fromBase32(secret),
    period: o.period ?? 30,
    digits: o.digits ?? 6,
    algorithm: o.algorithm ?? 'SHA1',
  }).generate({ timestamp: ms });
}

export function csvOf(rows: Array<[string, string, string, string | number, string, string]>): string {
  return ['upn,serial number,secret key,time interval,manufacturer,model', ...rows.map((r) => r.join(','))].join('\n') + '\n';
}

export async function countTokens(store: Store): Promise<number> {
  return rowCount(store.db, 'oath_tokens');
}
