import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { rowCounts } from '../support/counts.ts';

/** Graph `spa`, `publicClient` and `isFallbackPublicClient` on /applications, and name search (ADR 0014). */
for (const kind of STORE_KINDS) {
  describe(`public client platforms and search on /applications [${kind}]`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(kind);
    });
    afterAll(async () => server?.close());

    const countRows = () => rowCounts(server.runtime.store.db, { apps: 'applications', passwords: 'application_passwords', audit: 'audit_log' });
    const lastAudit = async () => (await server.api('/api/v1/auditLogs/directoryAudits?$top=1')).body.value[0];
    const names = (r: { body: { value: Array<{ displayName: string }> } }) => r.body.value.map((a) => a.displayName).sort();

    it('registers a single-page app and a native app with their Graph shapes; a web app shows empty public platforms', async () => {
      const spa = await server.api('/api/v1/applications', { body: { displayName: 'Expenses SPA', spa: { redirectUris: ['https://expenses.example/', 'http://localhost:5173/cb'] } } });
      expect(spa.status, JSON.stringify(spa.body)).toBe(201);
      expect(spa.body).toMatchObject({
        web: { redirectUris: [] },
        spa: { redirectUris: ['https://expenses.example/', 'http://localhost:5173/cb'] },
        publicClient: { redirectUris: [] },
        isFallbackPublicClient: false,
      });
      const native = await server.api('/api/v1/applications', {
        body: { displayName: 'Field app', publicClient: { redirectUris: ['com.example.field:/oauth2redirect', 'http://127.0.0.1/callback', 'https://field.example/app'] } },
      });
      expect(native.status, JSON.stringify(native.body)).toBe(201);
      expect(native.body.publicClient.redirectUris).toEqual(['com.example.field:/oauth2redirect', 'http://127.0.0.1/callback', 'https://field.example/app']);
      const fallback = await server.api('/api/v1/applications', { body: { displayName: 'Device tool', isFallbackPublicClient: true } });
      expect(fallback.body).toMatchObject({ isFallbackPublicClient: true, web: { redirectUris: [] } });
      const web = await server.api('/api/v1/applications', { body: { displayName: 'Plain web', web: { redirectUris: ['https://web.example/cb'] } } });
      expect(web.body).toMatchObject({ spa: { redirectUris: [] }, publicClient: { redirectUris: [] }, isFallbackPublicClient: false });
      expect((await server.api(`/api/v1/applications/${spa.body.id}`)).body).toEqual(spa.body);
      const added = (await server.api(`/api/v1/auditLogs/directoryAudits?$top=10`)).body.value.find(
        (e: { activityDisplayName: string; targetResources: Array<{ id: string }> }) => e.activityDisplayName === 'Add application' && e.targetResources[0]!.id === spa.body.id,
      );
      expect(added.targetResources[0].modifiedProperties.map((m: { displayName: string }) => m.displayName)).toEqual(['AppId', 'SpaRedirectUris']);
    });

    it('PATCH changes the platforms with audit entries naming what changed; a web app can become a SPA by clearing web', async () => {
      const app = (await server.api('/api/v1/applications', { body: { displayName: 'Convert me', web: { redirectUris: ['https://convert.example/cb'] } } })).body;
      const patch = await server.api(`/api/v1/applications/${app.id}`, {
        method: 'PATCH',
        body: { web: { redirectUris: [] }, spa: { redirectUris: ['https://convert.example/'] } },
      });
      expect(patch.status, JSON.stringify(patch.body)).toBe(204);
      expect((await server.api(`/api/v1/applications/${app.id}`)).body).toMatchObject({ web: { redirectUris: [] }, spa: { redirectUris: ['https://convert.example/'] } });
      const audit = await lastAudit();
      expect(audit.activityDisplayName).toBe('Update application');
      const props = audit.targetResources[0].modifiedProperties as Array<{ displayName: string; newValue: string }>;
      expect(props.map((m) => m.displayName).sort()).toEqual(['RedirectUris', 'SpaRedirectUris']);
      expect(JSON.parse(props.find((m) => m.displayName === 'SpaRedirectUris')!.newValue)).toEqual([['https://convert.example/']]);

      expect((await server.api(`/api/v1/applications/${app.id}`, { method: 'PATCH', body: { isFallbackPublicClient: true } })).status).toBe(204);
      expect((await lastAudit()).targetResources[0].modifiedProperties.map((m: { displayName: string }) => m.displayName)).toEqual(['IsFallbackPublicClient']);
    });

    it('concurrent PATCHes that are each valid but mix platforms together: one wins, the other is a 400, never a mixed row', async () => {
      for (let round = 0; round < 3; round++) {
        const app = (await server.api('/api/v1/applications', { body: { displayName: `Raced platforms ${round}` } })).body;
        const [a, b] = await Promise.all([
          server.api(`/api/v1/applications/${app.id}`, { method: 'PATCH', body: { web: { redirectUris: ['https://race.example/cb'] } } }),
          server.api(`/api/v1/applications/${app.id}`, { method: 'PATCH', body: { spa: { redirectUris: ['https://race.example/'] } } }),
        ]);
        expect([a.status, b.status].sort()).toEqual([204, 400]);
        const after = (await server.api(`/api/v1/applications/${app.id}`)).body;
        expect(after.web.redirectUris.length > 0 && after.spa.redirectUris.length > 0).toBe(false);
        expect(after.web.redirectUris.length + after.spa.redirectUris.length).toBe(1);
      }
    });

    it('refuses a secret on a public client, and nothing is written', async () => {
      const app = (await server.api('/api/v1/applications', { body: { displayName: 'No secrets SPA', spa: { redirectUris: ['https://nosecret.example/'] } } })).body;
      const before = await countRows();
      const r = await server.api(`/api/v1/applications/${app.id}/addPassword`, { body: {} });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('Request_BadRequest');
      expect(r.body.error.message).toContain('public client');
      expect(await countRows()).toEqual(before);
    });

    it('rejects bad platform input with 400 and writes nothing', async () => {
      const web = (await server.api('/api/v1/applications', { body: { displayName: 'Web target', web: { redirectUris: ['https://t.example/cb'] } } })).body;
      const spa = (await server.api('/api/v1/applications', { body: { displayName: 'SPA target', spa: { redirectUris: ['https://s.example/'] } } })).body;
      const before = await countRows();
      const cases: Array<[string, string, unknown, number, string?]> = [
        ['POST', '/api/v1/applications', { displayName: 'x', spa: { redirectUris: ['http://spa.example/'] } }, 400],
        ['POST', '/api/v1/applications', { displayName: 'x', spa: { redirectUris: ['com.example.app:/cb'] } }, 400],
        ['POST', '/api/v1/applications', { displayName: 'x', spa: { redirectUris: ['https://spa.example/#frag'] } }, 400],
        ['POST', '/api/v1/applications', { displayName: 'x', publicClient: { redirectUris: ['javascript:alert(1)'] } }, 400],
        ['POST', '/api/v1/applications', { displayName: 'x', publicClient: { redirectUris: ['data:text/html,hi'] } }, 400],
        ['POST', '/api/v1/applications', { displayName: 'x', publicClient: { redirectUris: ['http://evil.example/cb'] } }, 400],
        ['POST', '/api/v1/applications', { displayName: 'x', publicClient: { redirectUris: ['https://127.0.0.1/cb'] } }, 400],
        ['POST', '/api/v1/applications', { displayName: 'x', publicClient: { redirectUris: ['not a uri'] } }, 400],
        ['POST', '/api/v1/applications', { displayName: 'x', isFallbackPublicClient: 'yes' }, 400],
        ['POST', '/api/v1/applications', { displayName: 'x', spa: { redirectUris: ['https://a.example/'], extra: 1 } }, 400],
        ['POST', '/api/v1/applications', { displayName: 'x', web: { redirectUris: ['https://a.example/cb'] }, spa: { redirectUris: ['https://a.example/'] } }, 400, 'web app'],
        ['POST', '/api/v1/applications', { displayName: 'x', web: { redirectUris: ['https://a.example/cb'] }, isFallbackPublicClient: true }, 400, 'web app'],
        ['POST', '/api/v1/applications', { displayName: 'x', spa: { redirectUris: ['https://a.example/'] }, publicClient: { redirectUris: ['com.a:/cb'] } }, 400, 'not both'],
        ['PATCH', `/api/v1/applications/${web.id}`, { spa: { redirectUris: ['https://t.example/'] } }, 400, 'web app'],
        ['PATCH', `/api/v1/applications/${spa.id}`, { web: { redirectUris: ['https://s.example/cb'] } }, 400, 'web app'],
        ['PATCH', `/api/v1/applications/${spa.id}`, { publicClient: { redirectUris: ['com.s:/cb'] } }, 400, 'not both'],
        ['GET', '/api/v1/applications?$search=payroll', undefined, 400],
        ['GET', `/api/v1/applications?$search=${encodeURIComponent('"description:x"')}`, undefined, 400],
        ['GET', `/api/v1/applications?$search=${encodeURIComponent('"displayName:"')}`, undefined, 400],
        ['GET', `/api/v1/applications?$filter=${encodeURIComponent("startswith(description,'a')")}`, undefined, 400],
        ['GET', `/api/v1/applications?$filter=${encodeURIComponent("displayName ne 'a'")}`, undefined, 400],
        ['GET', `/api/v1/applications?$filter=${encodeURIComponent("appId eq 'nope'")}`, undefined, 400],
      ];
      for (const [method, path, body, status, message] of cases) {
        const r = await server.api(path, { method, ...(body === undefined ? {} : { body }) });
        expect([r.status, method, path, JSON.stringify(body)]).toEqual([status, method, path, JSON.stringify(body)]);
        expect(r.body.error.code).toEqual(expect.any(String));
        if (message) expect(r.body.error.message).toContain(message);
      }
      expect(await countRows()).toEqual(before);
    });

    it('finds applications by name: startswith $filter, $search contains, case-insensitive eq, paged with the query kept', async () => {
      const tag = crypto.randomUUID().slice(0, 6);
      for (const n of [`Zed ${tag} one`, `zed ${tag} two`, `Other ${tag} Zed`, `Zed ${tag} three`])
        expect((await server.api('/api/v1/applications', { body: { displayName: n } })).status).toBe(201);
      const starts = await server.api(`/api/v1/applications?$filter=${encodeURIComponent(`startswith(displayName,'zed ${tag}')`)}`);
      expect(starts.status).toBe(200);
      expect(names(starts)).toEqual([`Zed ${tag} one`, `Zed ${tag} three`, `zed ${tag} two`]);
      const contains = await server.api(`/api/v1/applications?$search=${encodeURIComponent(`"displayName:${tag} ZED"`)}`);
      expect(names(contains)).toEqual([`Other ${tag} Zed`]);
      const eq = await server.api(`/api/v1/applications?$filter=${encodeURIComponent(`displayName eq 'zed ${tag} ONE'`)}`);
      expect(names(eq)).toEqual([`Zed ${tag} one`]);
      // A LIKE wildcard in the prefix is literal.
      expect((await server.api(`/api/v1/applications?$filter=${encodeURIComponent(`startswith(displayName,'%${tag}')`)}`)).body.value).toEqual([]);

      const seen: string[] = [];
      let url: string | undefined = `/api/v1/applications?$top=1&$search=${encodeURIComponent(`"displayName:${tag}"`)}`;
      while (url) {
        const r = await server.api(url);
        expect(r.status).toBe(200);
        seen.push(...r.body.value.map((a: { displayName: string }) => a.displayName));
        url = r.body['@odata.nextLink']?.replace(server.config.publicUrl.origin, '');
      }
      expect(seen.sort()).toEqual([`Other ${tag} Zed`, `Zed ${tag} one`, `Zed ${tag} three`, `zed ${tag} two`]);

      const fallbackOnes = await server.api(`/api/v1/applications?$filter=${encodeURIComponent('isFallbackPublicClient eq true')}`);
      expect(fallbackOnes.body.value.every((a: { isFallbackPublicClient: boolean }) => a.isFallbackPublicClient)).toBe(true);
    });
  });
}
