import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachStore } from '../support/stores.ts';
import * as m0014 from '../../src/store/migrations/0014_principal_changes.ts';
import * as m0015 from '../../src/store/migrations/0015_conditional_access_changes.ts';
import * as m0016 from '../../src/store/migrations/0016_oath_tokens_fillfactor.ts';

/** The notification triggers and the fillfactor come and go with their migrations. */
describeEachStore('migrations 0014–0016 (change notifications, oath_tokens fillfactor)', (store) => {
  const state = async () => {
    const db = store().db;
    const triggers = (await sql<{ tgname: string }>`select tgname from pg_trigger where not tgisinternal and tgname in ('users_principal_changed', 'service_principals_principal_changed', 'ca_generation_changed') order by tgname`.execute(db)).rows.map((r) => r.tgname);
    const options = (await sql<{ reloptions: string[] | null }>`select reloptions from pg_class where relname = 'oath_tokens'`.execute(db)).rows[0]?.reloptions ?? [];
    return { triggers, options };
  };

  it('down removes them, up restores them', async () => {
    expect(await state()).toEqual({ triggers: ['ca_generation_changed', 'service_principals_principal_changed', 'users_principal_changed'], options: ['fillfactor=80'] });
    const db = store().db;
    await m0016.down(db);
    await m0015.down(db);
    await m0014.down(db);
    expect(await state()).toEqual({ triggers: [], options: [] });
    await m0014.up(db);
    await m0015.up(db);
    await m0016.up(db);
    expect((await state()).triggers).toHaveLength(3);
    expect((await state()).options).toEqual(['fillfactor=80']);
  });
});
