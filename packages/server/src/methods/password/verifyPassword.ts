import { hash, parseOptions, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { ARGON2_OPTIONS, MAX_PASSWORD_LENGTH, normalizePassword } from './params.ts';
import { loadPassword, upgradeHash, type StoredPassword } from './repository.ts';
import { hashPassword } from './setPassword.ts';

export interface PasswordVerification {
  verified: boolean;
  /** The stored hash uses other parameters than `ARGON2_OPTIONS`; the caller may store a fresh one. */
  needsRehash: boolean;
}

let dummy: Promise<string> | undefined;

/**
 * A hash of a random secret with the current parameters, made once per process. Users without a
 * password are verified against it, so the time taken does not reveal who has one.
 */
export function dummyHash(): Promise<string> {
  dummy ??= hash(randomBytes(32).toString('base64url'), ARGON2_OPTIONS);
  return dummy;
}

/**
 * The pure-ish ceremony core: checks a candidate against a stored password. Always runs one
 * argon2 verification — against the user's hash, or against the dummy hash when the user has no
 * enabled password or the candidate is absurdly long — so the answer takes the same time either way.
 */
export async function verifyPassword(
  stored: Pick<StoredPassword, 'hash' | 'enabled'> | undefined,
  candidate: string,
): Promise<PasswordVerification> {
  const usable = stored?.enabled && stored.hash ? stored.hash : undefined;
  const tooLong = candidate.length > MAX_PASSWORD_LENGTH * 4;
  const target = usable && !tooLong ? usable : await dummyHash();
  let ok: boolean;
  try {
    ok = await verify(target, normalizePassword(tooLong ? candidate.slice(0, MAX_PASSWORD_LENGTH) : candidate));
  } catch {
    ok = false; // a malformed stored hash never verifies
  }
  const verified = ok && target === usable;
  return { verified, needsRehash: verified && needsRehash(target) };
}

/** True when a PHC string was made with parameters other than the current ones. */
export function needsRehash(phc: string): boolean {
  try {
    const p = parseOptions(phc);
    return (
      p.algorithm !== ARGON2_OPTIONS.algorithm ||
      p.memoryCost !== ARGON2_OPTIONS.memoryCost ||
      p.timeCost !== ARGON2_OPTIONS.timeCost ||
      p.parallelism !== ARGON2_OPTIONS.parallelism
    );
  } catch {
    return true;
  }
}

/**
 * Loads the user's password and verifies the candidate (unknown users, users without a
 * password and wrong passwords all answer `verified: false` in the same time). When the stored
 * hash has outdated parameters and the candidate is right, stores a fresh hash (compare-and-set).
 * The sign-in flow must also ask the policy (`methodsEnabledFor`) whether Password is enabled.
 */
export async function verifyUserPassword(
  db: Kysely<DB> | Transaction<DB>,
  userId: string,
  candidate: string,
): Promise<PasswordVerification> {
  const stored = await loadPassword(db, userId);
  const result = await verifyPassword(stored, candidate);
  if (result.verified && result.needsRehash && stored?.hash) {
    await upgradeHash(db, userId, stored.hash, await hashPassword(candidate));
    return { verified: true, needsRehash: false };
  }
  return result;
}
