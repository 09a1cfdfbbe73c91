import { expect, it } from 'vitest';
import pino from 'pino';
import { describeEachStore } from '../support/stores.ts';
import { runSweeps, SWEEPS, type Sweep } from '../../src/jobs/housekeeping.ts';
import { issueChallenge } from '../../src/methods/passkey/challenges.ts';

const silent = pino({ level: 'silent' });

describeEachStore('housekeeping sweeps', (store) => {
  it('deletes expired passkey challenges and keeps live ones', async () => {
    const { db } = store();
    const expired = await issueChallenge(db, { purpose: 'authentication', userId: null, rpId: 'localhost', ttlMs: -1_000 });
    const live = await issueChallenge(db, { purpose: 'authentication', userId: null, rpId: 'localhost' });
    const deleted = await runSweeps(db, silent);
    expect(deleted.passkeyChallenges).toBeGreaterThanOrEqual(1);
    const left = await db.selectFrom('passkey_challenges').select('challenge').where('challenge', 'in', [expired.challenge, live.challenge]).execute();
    expect(left.map((r) => r.challenge)).toEqual([live.challenge]);
  });

  it('runs every sweep even when one fails', async () => {
    const { db } = store();
    const failing: Sweep = { name: 'broken', run: async () => Promise.reject(new Error('boom')) };
    const deleted = await runSweeps(db, silent, [failing, ...SWEEPS]);
    expect(deleted.broken).toBeUndefined();
    expect(Object.keys(deleted).sort()).toEqual(SWEEPS.map((s) => s.name).sort());
  });
});
