import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { microBatch, type MicroBatcher } from '../../store/micro-batch.ts';
import { acceptSteps, loadVerificationStates, type StepAcceptance, type VerificationState } from './repository.ts';

/**
 * The two statements of every OATH code check — the verification read and the replay-state
 * write — gathered across concurrent checks (ADR 0013). A gateway checking many users' codes at
 * once costs one read and one write per batch instead of per code; a lone check runs at once.
 * Inside a transaction the statements run directly (a batch cannot join someone's transaction).
 */
interface CheckBatchers {
  read: MicroBatcher<string, VerificationState>;
  accept: MicroBatcher<StepAcceptance, boolean>;
}

/** Two batches of each kind in flight: one in PostgreSQL while the other's results are handled. */
const MAX_IN_FLIGHT = 2;
/** Bounds one statement's size (the ids travel as one parameter). */
const MAX_BATCH = 128;

const byDatabase = new WeakMap<Kysely<DB>, CheckBatchers>();

function batchersOf(db: Kysely<DB>): CheckBatchers {
  let b = byDatabase.get(db);
  if (!b) {
    b = {
      read: microBatch({ name: 'oath_check_read', maxBatch: MAX_BATCH, maxInFlight: MAX_IN_FLIGHT, run: (userIds) => loadVerificationStates(db, userIds) }),
      accept: microBatch({ name: 'oath_check_accept', maxBatch: MAX_BATCH, maxInFlight: MAX_IN_FLIGHT, keyOf: (a) => a.id, run: (items) => acceptSteps(db, items) }),
    };
    byDatabase.set(db, b);
  }
  return b;
}

/** The user's activated tokens, lockout and the tenant settings (`userId` lower-case). */
export async function readVerificationState(db: Kysely<DB>, userId: string): Promise<VerificationState> {
  if (db.isTransaction) return (await loadVerificationStates(db, [userId]))[0]!;
  return batchersOf(db).read.load(userId);
}

/** Stores an accepted step when it is later than the last one; false when it was not (a replay or a lost race). */
export async function acceptCheckedStep(db: Kysely<DB>, acceptance: StepAcceptance): Promise<boolean> {
  if (db.isTransaction) return (await acceptSteps(db, [acceptance]))[0]!;
  return batchersOf(db).accept.load(acceptance);
}

/** Batch counts for one database (tests and the benchmark read them). */
export function checkBatchStats(db: Kysely<DB>): { read: Readonly<{ batches: number; items: number; largest: number }>; accept: Readonly<{ batches: number; items: number; largest: number }> } {
  const b = batchersOf(db);
  return { read: b.read.stats, accept: b.accept.stats };
}
