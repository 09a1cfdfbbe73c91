import { expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { describeEachStore } from '../support/stores.ts';
import * as m0012 from '../../src/store/migrations/0012_drop_setup_links.ts';

/** A raw flow row as an older release (0011) could have stored it. */
async function flowRow(db: Kysely<any>, state: string, offered: string[], performed: object[]): Promise<string> {
  const id = randomUUID();
  await sql`
    insert into signin_flows (id, state, interaction_uid, client_id, methods_offered, methods_performed, expires_at)
    values (${id}, ${state}, ${`uid-${id}`}, 'latchkey-my', ${JSON.stringify(offered)}::jsonb, ${JSON.stringify(performed)}::jsonb, now() + interval '10 minutes')`.execute(db);
  return id;
}

const stateOf = async (db: Kysely<any>, id: string) => (await sql<{ state: string }>`select state from signin_flows where id = ${id}`.execute(db)).rows[0]!.state;
const tableExists = async (db: Kysely<any>) => (await sql<{ t: string | null }>`select to_regclass('signin_bootstrap_links')::text as t`.execute(db)).rows[0]!.t !== null;

describeEachStore('migration 0012_drop_setup_links on a database that had setup links', (store) => {
  it('expires open flows that used or offered a setup link, keeps the others, drops the table and the verifyBootstrapLink state', async () => {
    const db = store().db as Kysely<any>;
    expect(await tableExists(db)).toBe(false); // migrated to latest: already gone
    await m0012.down(db); // back to the 0011 schema
    expect(await tableExists(db)).toBe(true);

    const verifying = await flowRow(db, 'verifyBootstrapLink', ['passkey', 'bootstrapLink'], []);
    const completedByLink = await flowRow(db, 'complete', ['passkey', 'bootstrapLink'], [{ method: 'bootstrapLink', at: new Date().toISOString(), amr: ['otp'] }]);
    const passkeyFlow = await flowRow(db, 'chooseMethod', ['passkey', 'password'], []);
    const failedByLink = await flowRow(db, 'failed', ['bootstrapLink'], []);

    await m0012.up(db);
    expect(await stateOf(db, verifying)).toBe('expired');
    expect(await stateOf(db, completedByLink)).toBe('expired');
    expect(await stateOf(db, passkeyFlow)).toBe('chooseMethod');
    expect(await stateOf(db, failedByLink)).toBe('failed');
    expect(await tableExists(db)).toBe(false);
    await expect(flowRow(db, 'verifyBootstrapLink', ['passkey'], [])).rejects.toThrow(/signin_flows_state_check/);
  });
});
