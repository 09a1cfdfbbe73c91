import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { accountSelectionAsLogin } from '../../src/oidc/account-selection.ts';
import { rewriteAuthorizationForm, rewriteAuthorizationUrl } from '../../src/oidc/authorization-rewrites.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { beginSignIn, enableFido2, newUser, passkeySignIn, registerApp, registerPasskey } from '../signin/support.ts';

const promptOf = (p: URLSearchParams | undefined) => p?.getAll('prompt');
const params = (o: Record<string, string>) => new URLSearchParams({ client_id: 'app', response_type: 'code', scope: 'openid', ...o });

/** prompt=select_account answered as a fresh sign-in (oidc/account-selection.ts, ADR 0024): the rule. */
describe('select_account as login (the rule)', () => {
  it('turns select_account into login, keeps the other values, once each, and changes nothing else', () => {
    const out = accountSelectionAsLogin(params({ prompt: 'select_account', state: 's' }));
    expect(promptOf(out)).toEqual(['login']);
    expect(Object.fromEntries(out!)).toEqual({ client_id: 'app', response_type: 'code', scope: 'openid', prompt: 'login', state: 's' });
    expect(promptOf(accountSelectionAsLogin(params({ prompt: 'select_account consent' })))).toEqual(['login consent']);
    expect(promptOf(accountSelectionAsLogin(params({ prompt: 'login select_account' })))).toEqual(['login']);
  });

  it('leaves alone requests without it, with none beside it, with a duplicated prompt, or with a request object', () => {
    for (const p of [
      params({}),
      params({ prompt: 'login' }),
      params({ prompt: 'none select_account' }),
      new URLSearchParams('prompt=select_account&prompt=login'),
      params({ prompt: 'select_account', request: 'eyJ.x.y' }),
      params({ prompt: 'select_account', request_uri: 'urn:ietf:params:oauth:request_uri:x' }),
    ])
      expect(accountSelectionAsLogin(p), p.toString()).toBeUndefined();
  });

  it('runs before the offline_access rule, on a URL and on a pushed form', () => {
    const url = `/oidc/authorize?${params({ prompt: 'select_account', scope: 'openid offline_access' })}`;
    expect(new URLSearchParams(rewriteAuthorizationUrl(url, '/oidc/authorize')!.split('?')[1]).get('prompt')).toBe('login consent');
    expect(new URLSearchParams(rewriteAuthorizationForm(params({ prompt: 'select_account' }).toString())).get('prompt')).toBe('login');
    expect(rewriteAuthorizationUrl(`/oidc/authorize?${params({})}`, '/oidc/authorize')).toBeUndefined();
    expect(rewriteAuthorizationUrl(`/oidc/other?${params({ prompt: 'select_account' })}`, '/oidc/authorize')).toBeUndefined();
  });
});

for (const kind of STORE_KINDS) {
  describe(`prompt=select_account over HTTP [${kind}]`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(kind);
      await enableFido2(server);
    });
    afterAll(async () => server?.close());

    it('inside an SSO session: the sign-in page, not an error; signing in as another person switches the account', async () => {
      const rp = await registerApp(server, 'https://select-account.example/cb');
      const { user: first, jar } = await passkeySignIn(server, rp);
      const second = await newUser(server);
      const auth = await registerPasskey(server, second.id);
      const b = await beginSignIn(server, rp, { prompt: 'select_account' }, 'get', jar); // the browser that holds first's session
      expect((await b.post('start')).body).toMatchObject({ state: 'identify' }); // a fresh sign-in: the person chooses
      const v = await b.usernamelessPasskey(auth);
      expect(v.status).toBe(200);
      const tokens = await b.finish(v.body.redirectTo);
      expect(tokens.claims()?.sub).toBe(second.id);
      expect(tokens.claims()?.sub).not.toBe(first.id);
    });

    it('the same request by GET was refused before (unsupported prompt value); a request object naming it still is', async () => {
      const rp = await registerApp(server, 'https://select-account2.example/cb');
      const url = oidc.buildAuthorizationUrl(rp.config, { redirect_uri: rp.redirectUri, scope: 'openid', prompt: 'select_account', state: 's', code_challenge: 'c'.repeat(43), code_challenge_method: 'S256' });
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status).toBe(303);
      expect(new URL(res.headers.get('location')!, url).pathname).toMatch(/^\/signin\//);
      // `prompt=none select_account` is left for the provider, which refuses it as OIDC Core §3.1.2.1 asks.
      const both = new URL(url);
      both.searchParams.set('prompt', 'none select_account');
      const refused = new URL((await fetch(both, { redirect: 'manual' })).headers.get('location')!);
      expect(refused.searchParams.get('error')).toBe('invalid_request');
    });
  });
}
