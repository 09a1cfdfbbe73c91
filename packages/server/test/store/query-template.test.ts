import { beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachStore } from '../support/stores.ts';
import { queryTemplate } from '../../src/store/query-template.ts';

describeEachStore('query templates (built once, run with new arguments)', (store) => {
  const db = () => store().db;
  beforeAll(async () => {
    for (const n of ['ada', 'alan', 'grace'])
      await sql`insert into users (id, user_principal_name, display_name, mail_nickname) values (${crypto.randomUUID()}::uuid, ${`${n}@qt.test`}, ${n}, ${n})`.execute(db());
  });
  const byUpn = queryTemplate(['upn'], (d, { upn }: { upn: string }) => d.selectFrom('users').select(['id', 'display_name']).where('user_principal_name', '=', upn));

  it('answers exactly what the same query built per call answers, for every argument', async () => {
    for (const upn of ['ada@qt.test', 'grace@qt.test', 'nobody@qt.test']) {
      const direct = await db().selectFrom('users').select(['id', 'display_name']).where('user_principal_name', '=', upn).execute();
      expect((await byUpn.execute(db(), { upn })).rows).toEqual(direct);
    }
    expect((await byUpn.execute(db(), { upn: 'grace@qt.test' })).rows).toMatchObject([{ display_name: 'grace' }]);
  });

  it('runs inside a transaction, and keeps the constants of its shape (here a limit) as they were', async () => {
    const firstTwo = queryTemplate(['pattern'], (d, { pattern }: { pattern: string }) =>
      d.selectFrom('users').select('display_name').where('user_principal_name', 'like', pattern).orderBy('display_name').limit(2));
    const r = await db().transaction().execute((trx) => firstTwo.execute(trx, { pattern: '%@qt.test' }));
    expect(r.rows.map((x) => x.display_name)).toEqual(['ada', 'alan']);
    expect((await firstTwo.execute(db(), { pattern: 'g%@qt.test' })).rows.map((x) => x.display_name)).toEqual(['grace']);
  });

  it('refuses, at first use, an argument that did not become a parameter (the shape would depend on it)', async () => {
    const bad = queryTemplate(['upn', 'unused'], (d, { upn }: { upn: string; unused: string }) => d.selectFrom('users').select('id').where('user_principal_name', '=', upn));
    await expect(bad.execute(db(), { upn: 'x', unused: 'y' })).rejects.toThrow(/unused did not become parameters/);
  });
});
