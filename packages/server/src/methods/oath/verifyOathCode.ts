import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { Envelope } from '../../secrets/envelope.ts';
import { acceptCheckedStep, loadVerificationState, resetUserFailures } from './repository.ts';
import { openSeed, paramsOf } from './seed.ts';
import { verifyCode } from './verifyCode.ts';
import { isLocked } from './lockout.ts';
import { persistAcceptance, recordFailure, tokenLocked, type CodeFailure } from './tokenCheck.ts';

/** The method a code proved, in the authentication-strength vocabulary (entra-spec §2.2). */
export type OathMethodKind = 'hardwareOath' | 'softwareOath';

export type VerifyOathResult =
  { ok: true; methodId: string; method: OathMethodKind; step: number } | { ok: false; reason: CodeFailure | 'OathNoMethod' };

export interface VerifyOathInput {
  db: Kysely<DB>;
  envelope: Envelope;
  userId: string;
  /** What the user typed (spaces are ignored). */
  code: string;
  /** The verifier's clock (tests pass a fixed one). Default: now. */
  now?: Date;
}

/**
 * The sign-in verb: does `code` come from one of the user's activated OATH tokens (hardware or
 * authenticator app)? Checks the user's and each token's lockout first (a locked subject's code is
 * not evaluated), then the pure core with the tenant window around each token's recorded drift,
 * then stores the accepted step atomically (a second submission of the same code fails with
 * `OathCodeDuplicate`, a code before the last accepted one with `OathCodeOld`). A wrong code
 * counts towards both lockouts; success resets them. The read and the replay write are gathered
 * with concurrent checks into one statement each (store/batched-statement.ts, ADR 0013). For the sign-in flow (issue 4 strengths:
 * `hardwareOath`, `softwareOath`). Writes no audit entry: the sign-in log records sign-ins.
 */
export async function verifyOathCode(input: VerifyOathInput): Promise<VerifyOathResult> {
  const { db, envelope, userId } = input;
  const now = input.now ?? new Date();
  const nowMs = now.getTime();
  const code = input.code.replace(/\s+/g, '');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(userId)) return { ok: false, reason: 'OathNoMethod' };
  const { tokens, userLock: lock, settings } = await loadVerificationState(db, userId.toLowerCase());
  if (tokens.length === 0) return { ok: false, reason: 'OathNoMethod' };
  if (isLocked(lock?.lockedUntil, nowMs)) return { ok: false, reason: 'OathCodeFailedMaxAllowedRetryReached' };
  const open = tokens.filter((t) => !tokenLocked(t, nowMs));
  if (open.length === 0) return { ok: false, reason: 'OathCodeFailedMaxAllowedRetryReached' };

  let replay: 'OathCodeDuplicate' | 'OathCodeOld' | undefined;
  for (const t of open) {
    const r = verifyCode({
      key: openSeed(envelope, t),
      params: paramsOf(t),
      code,
      nowMs,
      lastStep: t.lastStep,
      drift: t.drift,
      window: settings.windowSteps,
    });
    if (!r.ok) {
      if (r.reason !== 'OathCodeIncorrect' && replay !== 'OathCodeDuplicate') replay = r.reason;
      continue;
    }
    const saved = await persistAcceptance(db, t, { step: r.step, drift: r.drift, now }, acceptCheckedStep);
    if (!saved.ok) return { ok: false, reason: saved.reason };
    if (lock && lock.failedAttempts > 0) await resetUserFailures(db, userId);
    return { ok: true, methodId: t.id, method: t.kind === 'hardware' ? 'hardwareOath' : 'softwareOath', step: r.step };
  }
  if (replay) return { ok: false, reason: replay };
  await recordFailure(db, settings, { tokenIds: open.map((t) => t.id), userId, nowMs });
  return { ok: false, reason: 'OathCodeIncorrect' };
}
