import { expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { describeEachStore } from '../../support/stores.ts';
import {
  currentGeneration,
  deletePolicy,
  findPolicy,
  insertPolicy,
  listPolicies,
  lockAndBumpGeneration,
  policiesUsingStrength,
  updatePolicy,
} from '../../../src/policy/conditional-access/repository.ts';
import { countCustomStrengths, findCustomStrength, insertStrength, strengthNameTaken } from '../../../src/policy/strengths/repository.ts';
import { policiesUsingLocation, upsertNamedLocation, listNamedLocations } from '../../../src/policy/locations/repository.ts';
import { loadCompiledPolicies } from '../../../src/policy/conditional-access/load.ts';
import { listenForConditionalAccessChanges } from '../../../src/policy/conditional-access/changes.ts';
import type { AuthenticationStrength } from '../../../src/policy/strengths/types.ts';
import { policy } from './helpers.ts';

const STRENGTH: AuthenticationStrength = {
  '@odata.type': '#microsoft.graph.authenticationStrengthPolicy',
  id: '7e57a000-0000-4000-8000-000000000001',
  createdDateTime: '2026-01-01T00:00:00.000Z',
  modifiedDateTime: '2026-01-01T00:00:00.000Z',
  displayName: 'Keys Only',
  description: null,
  policyType: 'custom',
  requirementsSatisfied: 'mfa',
  allowedCombinations: ['fido2'],
  combinationConfigurations: [],
};
const LOCATION_ID = '10c00000-0000-4000-8000-000000000001';

describeEachStore('Conditional Access repositories', (store) => {
  const db = () => store().db;

  it('stores the Graph JSON as-is and reads it back (policies, strengths, named locations)', async () => {
    await insertStrength(db(), STRENGTH);
    expect(await findCustomStrength(db(), STRENGTH.id)).toEqual(STRENGTH);
    expect(await countCustomStrengths(db())).toBe(1);
    expect(await strengthNameTaken(db(), 'keys only')).toBe(true);
    expect(await strengthNameTaken(db(), 'keys only', STRENGTH.id)).toBe(false);
    await upsertNamedLocation(
      db(),
      {
        '@odata.type': '#microsoft.graph.ipNamedLocation',
        id: LOCATION_ID,
        displayName: 'HQ',
        createdDateTime: '2026-01-01T00:00:00.000Z',
        modifiedDateTime: '2026-01-01T00:00:00.000Z',
        isTrusted: true,
        ipRanges: [{ '@odata.type': '#microsoft.graph.iPv6CidrRange', cidrAddress: '2001:db8::/48' }],
      },
      true,
    );
    expect((await listNamedLocations(db()))[0]).toMatchObject({ id: LOCATION_ID, isTrusted: true });
    const p = policy({
      id: 'ca000000-0000-4000-8000-000000000001',
      conditions: { locations: { includeLocations: ['All'], excludeLocations: [LOCATION_ID] } } as never,
      grantControls: { operator: 'OR', authenticationStrength: { id: STRENGTH.id } },
    });
    await insertPolicy(db(), p);
    expect(await findPolicy(db(), p.id)).toEqual(p);
  });

  it('finds the policies that use a strength (usage, delete protection) and a named location (jsonb ?)', async () => {
    expect((await policiesUsingStrength(db(), STRENGTH.id.toUpperCase())).map((x) => x.id)).toEqual([
      'ca000000-0000-4000-8000-000000000001',
    ]);
    expect(await policiesUsingLocation(db(), LOCATION_ID)).toEqual(['ca000000-0000-4000-8000-000000000001']);
    expect(await policiesUsingLocation(db(), '10c00000-0000-4000-8000-000000000002')).toEqual([]);
    const p = (await findPolicy(db(), 'ca000000-0000-4000-8000-000000000001'))!;
    await updatePolicy(db(), { ...p, grantControls: { ...p.grantControls!, authenticationStrength: null, builtInControls: ['block'] } });
    expect(await policiesUsingStrength(db(), STRENGTH.id)).toEqual([]);
  });

  it('every CA write bumps the generation, and the compiled cache follows it', async () => {
    const before = await currentGeneration(db());
    const first = await loadCompiledPolicies(db());
    expect(await loadCompiledPolicies(db())).toBe(first);
    await db()
      .transaction()
      .execute(async (trx) => {
        await lockAndBumpGeneration(trx);
        await deletePolicy(trx, 'ca000000-0000-4000-8000-000000000001');
      });
    expect(await currentGeneration(db())).toBe(before + 1);
    const second = await loadCompiledPolicies(db());
    expect(second).not.toBe(first);
    expect(second.policies).toHaveLength(0);
    expect(await listPolicies(db())).toEqual([]);
  });

  it('a change made elsewhere (another node, or SQL by hand) reaches the cache through NOTIFY, not a read per sign-in', async () => {
    const stop = await listenForConditionalAccessChanges(store());
    try {
      const first = await loadCompiledPolicies(db());
      await insertPolicy(db(), policy({ id: 'ca000000-0000-4000-8000-0000000000f1', displayName: 'Made elsewhere', grantControls: { operator: 'OR', builtInControls: ['block'] } } as never));
      // Another node's write: a plain generation bump, not through lockAndBumpGeneration on this node.
      await sql`update ca_generation set generation = generation + 1 where id = 1`.execute(db());
      await vi.waitFor(async () => expect((await loadCompiledPolicies(db())).policies.map((p) => p.policy.id)).toContain('ca000000-0000-4000-8000-0000000000f1'), { timeout: 3_000, interval: 20 }); // under the 5 s re-check: only the NOTIFY can do it
      expect(await loadCompiledPolicies(db())).not.toBe(first);
    } finally {
      await stop();
    }
  });

  it('a rolled-back write leaves the generation alone', async () => {
    const before = await currentGeneration(db());
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          await lockAndBumpGeneration(trx);
          throw new Error('rejected');
        }),
    ).rejects.toThrow('rejected');
    expect(await currentGeneration(db())).toBe(before);
  });
});
