import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { randomBytes } from 'node:crypto';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { rowCount } from '../support/counts.ts';
import { ROLE } from '../../src/directory/roles.ts';
import { newSecret, otpauthCode, csvOf } from './support.ts';
import { buildPskc } from './pskc-builder.ts';

const DEVICES = '/api/v1/directory/authenticationMethodDevices/hardwareOathDevices';

for (const kind of STORE_KINDS) {
  describe(`OATH admin API [${kind}]`, () => {
    let server: TestServer;
    let user: { id: string; upn: string };
    const count = () => rowCount(server.runtime.store.db, 'oath_tokens');
    const audits = () => rowCount(server.runtime.store.db, 'audit_log');

    beforeAll(async () => {
      server = await startTestServer(kind);
      const upn = `oath-${kind}@latchkey.test`;
      const created = await server.api('/api/v1/users', { body: { userPrincipalName: upn, displayName: 'Token Person' } });
      expect(created.status).toBe(201);
      user = { id: created.body.id, upn };
    });
    afterAll(async () => server?.close());

    it('creates a token (secretKey write-only), assigns, activates with a current code, lists, unassigns and deletes', async () => {
      const secret = newSecret();
      const created = await server.api(DEVICES, {
        body: {
          serialNumber: `HTTP-${kind}`,
          secretKey: secret,
          manufacturer: 'Thales',
          model: 'OTP 110',
          timeIntervalInSeconds: 30,
          hashFunction: 'hmacsha1',
        },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        serialNumber: `HTTP-${kind}`,
        secretKey: null,
        status: 'available',
        assignedTo: null,
        timeIntervalInSeconds: 30,
      });
      expect(JSON.stringify(created.body)).not.toContain(secret);
      const id = created.body.id;

      const assigned = await server.api(`/api/v1/users/${user.id}/authentication/hardwareOathMethods`, { body: { device: { id } } });
      expect(assigned.status).toBe(201);
      expect(assigned.body).toMatchObject({
        '@odata.type': '#microsoft.graph.hardwareOathAuthenticationMethod',
        id,
        device: { status: 'assigned', assignedTo: { id: user.id, displayName: 'Token Person' } },
      });

      const code = otpauthCode(secret, Date.now());
      expect((await server.api(`${DEVICES}/${id}/activate`, { body: { verificationCode: code } })).status).toBe(204);
      const again = await server.api(`${DEVICES}/${id}/activate`, { body: { verificationCode: code } });
      expect(again.status).toBe(409);
      expect(again.body.error.details.reason).toBe('OathTokenAlreadyActivated');
      expect((await server.api(`${DEVICES}/${id}`)).body).toMatchObject({ status: 'activated', secretKey: null });

      const listed = await server.api(`/api/v1/users/${user.upn}/authentication/hardwareOathMethods`);
      expect(listed.body.value.map((m: { id: string }) => m.id)).toEqual([id]);
      const inventory = await server.api(`${DEVICES}?$top=999`);
      expect(inventory.body.value.some((d: { id: string; secretKey: null }) => d.id === id && d.secretKey === null)).toBe(true);

      expect((await server.api(`/api/v1/users/${user.id}/authentication/hardwareOathMethods/${id}`, { method: 'DELETE' })).status).toBe(
        204,
      );
      expect((await server.api(`${DEVICES}/${id}`)).body).toMatchObject({ status: 'available', assignedTo: null });
      expect((await server.api(`${DEVICES}/${id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await server.api(`${DEVICES}/${id}`)).status).toBe(404);
    });

    it('bad input → 4xx with a Graph error and nothing written', async () => {
      const before = [await count(), await audits()];
      const bad: Array<[string, unknown, number]> = [
        [DEVICES, { serialNumber: 'X1', secretKey: 'not base32 1189!' }, 400],
        [DEVICES, { serialNumber: 'X2', secretKey: newSecret(), timeIntervalInSeconds: 45 }, 400],
        [DEVICES, { serialNumber: 'X3', secretKey: newSecret(), hashFunction: 'md5' }, 400],
        [DEVICES, { serialNumber: 'X4', secretKey: 'JBSWY3DP' }, 400],
        [DEVICES, { serialNumber: '', secretKey: newSecret() }, 400],
        [DEVICES, { serialNumber: 'X5', secretKey: newSecret(), extra: 1 }, 400],
        [DEVICES, { serialNumber: 'X6', secretKey: newSecret(), assignTo: { id: 'nobody@latchkey.test' } }, 404],
        [`${DEVICES}/not-a-uuid/activate`, { verificationCode: '123456' }, 404],
        [`${DEVICES}/${crypto.randomUUID()}/activate`, { verificationCode: 'abc' }, 400],
        [`/api/v1/users/${user.id}/authentication/hardwareOathMethods`, { device: { id: crypto.randomUUID() } }, 404],
      ];
      for (const [path, body, status] of bad) {
        const r = await server.api(path, { body });
        expect({ path, status: r.status }).toEqual({ path, status });
        expect(r.body.error.code).toEqual(expect.any(String));
      }
      const patch = await server.api(`/api/v1/users/${user.id}/authentication/requirements`, {
        method: 'PATCH',
        body: { perUserMfaState: 'sometimes' },
      });
      expect(patch.status).toBe(400);
      const settings = await server.api('/api/v1/oathSettings', { method: 'PATCH', body: { tokenLockoutThreshold: 101 } });
      expect(settings.status).toBe(400);
      expect([await count(), await audits()]).toEqual(before);
    });

    it('uploads CSV and encrypted PSKC files; a file with errors answers 400 with every issue and imports nothing', async () => {
      const before = await count();
      const csv = csvOf([
        [user.upn, `UP-${kind}-1`, newSecret(), 30, 'Token2', 'C202'],
        ['', `UP-${kind}-2`, newSecret(), 60, 'Token2', 'C202'],
      ]);
      const ok = await server.api(`${DEVICES}/import`, { body: csv, headers: { 'content-type': 'text/csv' } });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ format: 'csv', ok: true, imported: 2, assigned: 1 });
      const bad = await server.api(`${DEVICES}/import`, {
        body: csvOf([
          ['', `UP-${kind}-3`, newSecret(), 45, 'A', 'B'],
          ['', `UP-${kind}-1`, newSecret(), 30, 'A', 'B'],
        ]),
        headers: { 'content-type': 'text/csv' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.issues.map((i: { line: number }) => i.line)).toEqual([2, 3]);
      const psk = randomBytes(16);
      const pskc = buildPskc([{ serial: `UP-${kind}-P`, secret: randomBytes(20) }], psk);
      const wrong = await server.api(`${DEVICES}/import`, {
        body: pskc,
        headers: { 'content-type': 'application/xml', 'latchkey-pskc-key': randomBytes(16).toString('hex') },
      });
      expect(wrong.status).toBe(400);
      expect(
        (await server.api(`${DEVICES}/import`, { body: pskc, headers: { 'content-type': 'application/xml', 'latchkey-pskc-key': 'xyz' } }))
          .status,
      ).toBe(400);
      const right = await server.api(`${DEVICES}/import`, {
        body: pskc,
        headers: { 'content-type': 'application/xml', 'latchkey-pskc-key': psk.toString('hex') },
      });
      expect(right.status).toBe(200);
      expect(right.body).toMatchObject({ format: 'pskc', imported: 1 });
      expect(await count()).toBe(before + 3);
    });

    it('per-user MFA requirements GET/PATCH; software OATH methods list without secrets', async () => {
      expect((await server.api(`/api/v1/users/${user.id}/authentication/requirements`)).body).toEqual({ perUserMfaState: 'disabled' });
      expect(
        (
          await server.api(`/api/v1/users/${user.id}/authentication/requirements`, {
            method: 'PATCH',
            body: { perUserMfaState: 'enforced' },
          })
        ).status,
      ).toBe(204);
      expect((await server.api(`/api/v1/users/${user.upn}/authentication/requirements`)).body).toEqual({ perUserMfaState: 'enforced' });
      const sw = await server.api(`/api/v1/users/${user.id}/authentication/softwareOathMethods`);
      expect(sw.status).toBe(200);
      expect(sw.body.value).toEqual([]);
      expect((await server.api(`/api/v1/users/${user.id}/authentication/softwareOathMethods/${crypto.randomUUID()}`)).status).toBe(404);
    });

    it('permissions: no token 401; a reader cannot write; a helpdesk admin without the scope is refused', async () => {
      expect((await server.api(DEVICES, { token: null })).status).toBe(401);
      const reader = await server.token({ roles: [ROLE.globalReader], scopes: ['Policy.Read.All', 'UserAuthenticationMethod.Read.All'] });
      expect((await server.api(DEVICES, { token: reader })).status).toBe(200);
      const before = await count();
      expect((await server.api(DEVICES, { token: reader, body: { serialNumber: 'RD-1', secretKey: newSecret() } })).status).toBe(403);
      expect(
        (
          await server.api(`${DEVICES}/import`, {
            token: reader,
            body: csvOf([['', 'RD-2', newSecret(), 30, 'A', 'B']]),
            headers: { 'content-type': 'text/csv' },
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await server.api(`/api/v1/users/${user.id}/authentication/requirements`, {
            token: reader,
            method: 'PATCH',
            body: { perUserMfaState: 'disabled' },
          })
        ).status,
      ).toBe(403);
      const helpdesk = await server.token({ roles: [ROLE.helpdeskAdministrator], scopes: ['User.Read.All'] });
      expect((await server.api(`/api/v1/users/${user.id}/authentication/hardwareOathMethods`, { token: helpdesk })).status).toBe(403);
      expect(await count()).toBe(before);
    });

    it('verifyOathCode over HTTP: 50 parallel submissions of one valid code succeed exactly once', async () => {
      const created = await server.api('/api/v1/users', {
        body: { userPrincipalName: `verify-${kind}@latchkey.test`, displayName: 'Verifier' },
      });
      const secret = newSecret();
      const d = await server.api(DEVICES, {
        body: { serialNumber: `VERIFY-${kind}`, secretKey: secret, assignTo: { id: created.body.id } },
      });
      expect(
        (await server.api(`${DEVICES}/${d.body.id}/activate`, { body: { verificationCode: otpauthCode(secret, Date.now() - 30_000) } }))
          .status,
      ).toBe(204);
      const code = otpauthCode(secret, Date.now());
      const batchCounters = async () => {
        const text = await (await fetch(`${server.url}/metrics`)).text();
        const value = (metric: string) => Number(new RegExp(`^${metric}\\{statement="oath_check_read"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
        return { batches: value('latchkey_db_batches_total'), items: value('latchkey_db_batch_items_total') };
      };
      const before = await batchCounters();
      const results = await Promise.all(
        Array.from({ length: 50 }, () => server.api(`/api/v1/users/${created.body.id}/authentication/verifyOathCode`, { body: { code } })),
      );
      // /metrics counts the batched reads (ADR 0013). How many shared a batch depends on how the
      // requests arrive (verify.test.ts shows the gathering itself), so only the bounds are checked.
      // PGlite runs one statement at a time and gathers nothing.
      const after = await batchCounters();
      if (kind === 'postgres') {
        expect(after.items - before.items).toBe(50);
        expect(after.batches - before.batches).toBeGreaterThan(0);
        expect(after.batches - before.batches).toBeLessThanOrEqual(50);
      } else expect([after.items - before.items, after.batches - before.batches]).toEqual([0, 0]);
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(results.filter((r) => r.body.ok)).toEqual([
        expect.objectContaining({ body: { ok: true, method: 'hardwareOath', methodId: d.body.id } }),
      ]);
      expect(new Set(results.filter((r) => !r.body.ok).map((r) => r.body.reason))).toEqual(new Set(['OathCodeDuplicate']));
    });

    it('pages the inventory by serial number with @odata.nextLink, without gaps or repeats', async () => {
      for (const n of ['PAGE-A', 'PAGE-B', 'PAGE-C'])
        expect((await server.api(DEVICES, { body: { serialNumber: n, secretKey: newSecret() } })).status).toBe(201);
      const seen: string[] = [];
      let next: string | undefined = `${DEVICES}?$top=2`;
      while (next) {
        const r = await server.api(next.replace(/^https?:\/\/[^/]+/, ''));
        expect(r.status).toBe(200);
        expect(r.body.value.length).toBeLessThanOrEqual(2);
        seen.push(...r.body.value.map((d: { serialNumber: string }) => d.serialNumber));
        next = r.body['@odata.nextLink'];
      }
      expect(seen).toEqual([...seen].sort());
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBe(
        (await count()) -
          (await server.runtime.store.db.selectFrom('oath_tokens').select('id').where('kind', '=', 'software').execute()).length,
      );
      expect((await server.api(`${DEVICES}?$skiptoken=%00%00`)).status).toBe(400);
    });

    it('OpenAPI describes the OATH routes', async () => {
      const doc = await server.api('/openapi.json', { token: null });
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining([
          DEVICES.replace('/api/v1', '/api/v1'),
          `${DEVICES}/import`,
          '/api/v1/users/{userId}/authentication/hardwareOathMethods',
          '/api/v1/users/{userId}/authentication/requirements',
        ]),
      );
    });
  });
}
