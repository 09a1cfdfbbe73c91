import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachStore } from '../support/stores.ts';
import * as m0014 from '../../src/store/migrations/0014_principal_changes.ts';
import * as m0015 from '../../src/store/migrations/0015_conditional_access_changes.ts';
import * as m0016 from '../../src/store/migrations/0016_oath_tokens_fillfactor.ts';
import * as m0017 from '../../src/store/migrations/0017_sign_in_fillfactor.ts';

/** The notification triggers and the fillfactors come and go with their migrations. */
describeEachStore('migrations 0014–0017 (change notifications, fillfactors of the tables updated in place)', (store) => {
  const state = async () => {
    const db = store().db;
    const triggers = (await sql<{ tgname: string }>`select tgname from pg_trigger where not tgisinternal and tgname in ('users_principal_changed', 'service_principals_principal_changed', 'ca_generation_changed') order by tgname`.execute(db)).rows.map((r) => r.tgname);
    const options = (await sql<{ reloptions: string[] | null }>`select reloptions from pg_class where relname = 'oath_tokens'`.execute(db)).rows[0]?.reloptions ?? [];
    const fillfactors = Object.fromEntries(
      (await sql<{ relname: string; reloptions: string[] | null }>`select relname, reloptions from pg_class where relname in ('signin_flows', 'oidc_payloads', 'passkey_credentials') order by relname`.execute(db)).rows.map((r) => [r.relname, r.reloptions ?? []]),
    );
    return { triggers, options, fillfactors };
  };
  const SIGN_IN_FILLFACTORS = { oidc_payloads: ['fillfactor=80'], passkey_credentials: ['fillfactor=80'], signin_flows: ['fillfactor=70'] };

  it('down removes them, up restores them', async () => {
    expect(await state()).toEqual({
      triggers: ['ca_generation_changed', 'service_principals_principal_changed', 'users_principal_changed'],
      options: ['fillfactor=80'],
      fillfactors: SIGN_IN_FILLFACTORS,
    });
    const db = store().db;
    await m0017.down(db);
    await m0016.down(db);
    await m0015.down(db);
    await m0014.down(db);
    expect(await state()).toEqual({ triggers: [], options: [], fillfactors: { oidc_payloads: [], passkey_credentials: [], signin_flows: [] } });
    await m0014.up(db);
    await m0015.up(db);
    await m0016.up(db);
    await m0017.up(db);
    expect((await state()).triggers).toHaveLength(3);
    expect((await state()).fillfactors).toEqual(SIGN_IN_FILLFACTORS);
    expect((await state()).options).toEqual(['fillfactor=80']);
  });
});
