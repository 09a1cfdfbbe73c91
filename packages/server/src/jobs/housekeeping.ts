import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '../store/schema.ts';
import { sweepExpired as sweepOidcArtefacts } from '../oidc/payloads-repository.ts';
import { sweepExpiredChallenges } from '../methods/passkey/challenges.ts';
import { sweepFlows, sweepLockouts } from '../signin/repository.ts';
import { sweepRateLimitSpend } from '../http/cluster-rate-limit-repository.ts';
import { pruneRefreshSignIns } from '../oidc/refresh-repository.ts';

/** One periodic clean-up: deletes rows that have expired and returns how many. */
export interface Sweep {
  name: string;
  run(db: Kysely<DB>, now: Date): Promise<number>;
}

/**
 * Every sweep the server runs. Expired rows are already invisible to lookups (each repository
 * filters on its expiry), so sweeping only bounds table growth: it is safe to run on every node
 * at once and safe to skip. Add a line here for a new table with an expiry.
 */
export const SWEEPS: readonly Sweep[] = [
  { name: 'oidcArtefacts', run: (db, now) => sweepOidcArtefacts(db, now) },
  { name: 'passkeyChallenges', run: (db, now) => sweepExpiredChallenges(db, now) },
  { name: 'signInFlows', run: (db, now) => sweepFlows(db, now) },
  { name: 'signInLockouts', run: (db, now) => sweepLockouts(db, now) },
  { name: 'rateLimitSpend', run: (db, now) => sweepRateLimitSpend(db, now) },
  { name: 'refreshSignIns', run: (db, now) => pruneRefreshSignIns(db, now) }, // ADR 0017
];

/** How often the sweeps run (default 10 minutes); the first run is at start-up. */
export const HOUSEKEEPING_INTERVAL_MS = 10 * 60_000;

/** Runs every sweep once; a failing sweep is logged and does not stop the others. */
export async function runSweeps(db: Kysely<DB>, logger: Logger, sweeps: readonly Sweep[] = SWEEPS, now = new Date()): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {};
  for (const sweep of sweeps) {
    try {
      deleted[sweep.name] = await sweep.run(db, now);
    } catch (err) {
      logger.warn({ err, sweep: sweep.name }, 'housekeeping sweep failed');
    }
  }
  if (Object.values(deleted).some((n) => n > 0)) logger.debug({ deleted }, 'housekeeping swept expired rows');
  return deleted;
}

/** Starts the periodic sweeps (timer unref'd, so it never keeps the process alive); returns stop. */
export function startHousekeeping(db: Kysely<DB>, logger: Logger, intervalMs = HOUSEKEEPING_INTERVAL_MS): () => Promise<void> {
  let running: Promise<unknown> = runSweeps(db, logger);
  const timer = setInterval(() => {
    running = running.then(() => runSweeps(db, logger));
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running.catch(() => {});
  };
}
