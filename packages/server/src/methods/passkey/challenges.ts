import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { PasskeyError } from './errors.ts';
import { PASSKEY_LIMITS } from './relying-party.ts';
import { batchedStatement } from '../../store/batched-statement.ts';
import { queryTemplate } from '../../store/query-template.ts';

export type ChallengePurpose = 'registration' | 'authentication';

/** What a challenge was issued for; checked again when the response comes back. */
export interface IssuedChallenge {
  challenge: string;
  purpose: ChallengePurpose;
  /** The user the ceremony is for; null for discoverable (usernameless) sign-in. */
  userId: string | null;
  /** The sign-in or registration flow that asked, when the caller binds one. */
  flowId: string | null;
  rpId: string;
  expiresAt: Date;
}

/**
 * Stores a fresh 32-byte random challenge (WebAuthn L3 §13.4.3: at least 16 bytes) for one
 * ceremony, valid for 5 minutes. `sweepExpiredChallenges` removes rows nobody came back for.
 */
export async function issueChallenge(db: Kysely<DB>, input: { purpose: ChallengePurpose; userId: string | null; flowId?: string | null; rpId: string; ttlMs?: number }): Promise<IssuedChallenge> {
  const issued = newChallenge(input);
  await storeChallenge(db, issued);
  return issued;
}

/** A fresh challenge, not stored yet: `issueChallenge` stores it at once; the sign-in page stores it with the flow it reads (signin/interaction-repository.ts). */
export function newChallenge(input: { purpose: ChallengePurpose; userId: string | null; flowId?: string | null; rpId: string; ttlMs?: number }): IssuedChallenge {
  const challenge = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + (input.ttlMs ?? PASSKEY_LIMITS.challengeTtlMs));
  return { challenge, purpose: input.purpose, userId: input.userId, flowId: input.flowId ?? null, rpId: input.rpId, expiresAt };
}

/** Stores an issued challenge. */
export async function storeChallenge(db: Kysely<DB>, c: IssuedChallenge): Promise<void> {
  await inserts.run(db, challengeRowOf(c));
}

/** A challenge as the row (and batch item) `passkey_challenges` stores. */
export function challengeRowOf(c: IssuedChallenge) {
  return { challenge: c.challenge, purpose: c.purpose, user_id: c.userId, flow_id: c.flowId, rp_id: c.rpId, expires_at: c.expiresAt.toISOString() };
}

/** One per ceremony: challenges of concurrent ceremonies are stored by one statement (store/batched-statement.ts, ADR 0013). */
const inserts = batchedStatement<{ challenge: string; purpose: ChallengePurpose; user_id: string | null; flow_id: string | null; rp_id: string; expires_at: string }, object>({
  name: 'passkey_challenge_insert',
  encode: (row) => row,
  single: async (db, row) => {
    await insertChallenge.execute(db, { ...row, expires_at: new Date(row.expires_at) });
    return [];
  },
  sql: `insert into passkey_challenges (challenge, purpose, user_id, flow_id, rp_id, expires_at)
select v.challenge, v.purpose, v.user_id, v.flow_id, v.rp_id, v.expires_at
from jsonb_to_recordset($1::jsonb) as v(n int, challenge text, purpose text, user_id text, flow_id text, rp_id text, expires_at timestamptz)`,
});

type ChallengeRow = { challenge: string; purpose: ChallengePurpose; user_id: string | null; flow_id: string | null; rp_id: string; expires_at: Date };
/** The one-row form (store/query-template.ts), for PGlite and transactions. */
const insertChallenge = queryTemplate(['challenge', 'purpose', 'user_id', 'flow_id', 'rp_id', 'expires_at'], (db, row: ChallengeRow) => db.insertInto('passkey_challenges').values(row));

/**
 * Consumes a challenge exactly once: `delete … returning` is atomic, so of two concurrent
 * submissions of the same response only one gets the row (house style §15). A consumed or
 * unknown challenge, an expired one, or one issued for another purpose or flow is refused.
 * The row is gone either way: a failed attempt burns its challenge.
 */
export async function consumeChallenge(db: Kysely<DB>, challenge: string, expect: { purpose: ChallengePurpose; flowId?: string | null }): Promise<IssuedChallenge> {
  const row = await db.deleteFrom('passkey_challenges').where('challenge', '=', challenge).returningAll().executeTakeFirst();
  return checkConsumed(row, expect);
}

/** The checks on a consumed challenge row (see `consumeChallenge`); also used where the delete is part of a larger statement. */
export function checkConsumed(
  row: { challenge: string; purpose: ChallengePurpose; user_id: string | null; flow_id: string | null; rp_id: string; expires_at: Date | string } | undefined,
  expect: { purpose: ChallengePurpose; flowId?: string | null },
): IssuedChallenge {
  if (!row) throw new PasskeyError('challengeUnknownOrUsed', 'This sign-in request was already used or is unknown. Start again.');
  if (new Date(row.expires_at).getTime() <= Date.now()) throw new PasskeyError('challengeExpired', 'This request expired (challenges are valid for 5 minutes). Start again.');
  if (row.purpose !== expect.purpose) throw new PasskeyError('challengeMismatch', `The challenge was issued for ${row.purpose}, not ${expect.purpose}.`);
  if (expect.flowId !== undefined && (row.flow_id ?? null) !== (expect.flowId ?? null)) throw new PasskeyError('challengeMismatch', 'The challenge belongs to another flow.');
  return { challenge: row.challenge, purpose: row.purpose, userId: row.user_id, flowId: row.flow_id, rpId: row.rp_id, expiresAt: new Date(row.expires_at) };
}

/** Deletes challenges that expired before `now`; returns how many. For a periodic job. */
export async function sweepExpiredChallenges(db: Kysely<DB>, now = new Date()): Promise<number> {
  const r = await db.deleteFrom('passkey_challenges').where('expires_at', '<', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}
