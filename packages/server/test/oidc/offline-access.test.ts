import { describe, expect, it } from 'vitest';
import { SILENT_PARAM, silentRefusal, withOfflineConsent, withOfflineConsentForm } from '../../src/oidc/offline-access.ts';

const AUTH = '/oidc/authorize';
const q = (params: Record<string, string>) => `${AUTH}?${new URLSearchParams(params)}`;
const promptOf = (url: string | undefined) => (url ? new URLSearchParams(url.slice(url.indexOf('?') + 1)).getAll('prompt') : undefined);

/** offline_access as Entra answers it (oidc/offline-access.ts): which authorization requests get prompt=consent. */
describe('offline_access without a prompt', () => {
  const code = { client_id: 'app', response_type: 'code', redirect_uri: 'https://rp.example/cb', state: 's' };

  it('adds prompt=consent to a code request for offline_access that names no prompt, and changes nothing else', () => {
    const out = withOfflineConsent(q({ ...code, scope: 'openid profile offline_access' }), AUTH);
    expect(promptOf(out)).toEqual(['consent']);
    const params = Object.fromEntries(new URLSearchParams(out!.slice(out!.indexOf('?') + 1)));
    expect(params).toEqual({ ...code, scope: 'openid profile offline_access', prompt: 'consent' });
    expect(out!.startsWith(`${AUTH}?`)).toBe(true);
  });

  it('adds consent to the prompts a request names (login, select_account), once', () => {
    expect(promptOf(withOfflineConsent(q({ ...code, scope: 'openid offline_access', prompt: 'login' }), AUTH))).toEqual(['login consent']);
    expect(promptOf(withOfflineConsent(q({ ...code, scope: 'openid offline_access', prompt: 'select_account' }), AUTH))).toEqual(['select_account consent']);
    expect(promptOf(withOfflineConsent(q({ ...code, scope: 'openid offline_access', prompt: '' }), AUTH))).toEqual(['consent']);
  });

  it('leaves alone requests without offline_access, with prompt none or consent, with a request object, without a code, or to another path', () => {
    for (const url of [
      q({ ...code, scope: 'openid profile' }),
      q({ ...code, scope: 'openid offline_access', prompt: 'none login' }),
      q({ ...code, scope: 'openid', prompt: 'none' }),
      q({ ...code, scope: 'openid offline_access', prompt: 'consent' }),
      q({ ...code, scope: 'openid offline_access', prompt: 'login consent' }),
      `${q({ ...code, scope: 'openid offline_access', prompt: 'login' })}&prompt=login`,
      q({ ...code, scope: 'openid offline_access', request: 'eyJ…' }),
      q({ client_id: 'app', request_uri: 'urn:ietf:params:oauth:request_uri:x' }),
      q({ ...code, response_type: 'id_token', scope: 'openid offline_access' }),
      q({ ...code, scope: 'openid offline_access_extra' }),
      `/oidc/token?${new URLSearchParams({ ...code, scope: 'openid offline_access' })}`,
      AUTH,
    ])
      expect(withOfflineConsent(url, AUTH), url).toBeUndefined();
  });

  it('keeps a duplicated parameter duplicated, so the provider still refuses it', () => {
    const out = withOfflineConsent(`${q({ ...code, scope: 'openid offline_access' })}&state=t`, AUTH);
    expect(new URLSearchParams(out!.slice(out!.indexOf('?') + 1)).getAll('state')).toEqual(['s', 't']);
  });

  it('turns a silent request for offline_access into prompt=consent marked silent, and changes nothing else', () => {
    const out = withOfflineConsent(q({ ...code, scope: 'openid offline_access', prompt: 'none', login_hint: 'a@b' }), AUTH);
    const params = Object.fromEntries(new URLSearchParams(out!.slice(out!.indexOf('?') + 1)));
    expect(params).toEqual({ ...code, scope: 'openid offline_access', login_hint: 'a@b', prompt: 'consent', [SILENT_PARAM]: '1' });
  });

  it('a pushed request (PAR) form gets the same rule as a URL: consent added, a silent one marked, a request object left alone', () => {
    const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
    const asked = withOfflineConsentForm(form({ ...code, scope: 'openid offline_access', client_secret: 's3cret' }));
    expect(Object.fromEntries(new URLSearchParams(asked!))).toEqual({ ...code, scope: 'openid offline_access', client_secret: 's3cret', prompt: 'consent' });
    expect(Object.fromEntries(new URLSearchParams(withOfflineConsentForm(form({ ...code, scope: 'openid offline_access', prompt: 'none' }))!))).toMatchObject({
      prompt: 'consent',
      [SILENT_PARAM]: '1',
    });
    expect(withOfflineConsentForm(form({ ...code, scope: 'openid profile' }))).toBeUndefined();
    expect(withOfflineConsentForm(form({ client_id: 'app', request: 'eyJ…' }))).toBeUndefined();
    expect(withOfflineConsentForm('')).toBeUndefined();
  });

  it('a silent request that needs the user gets login_required (no session, a revoked one) or interaction_required (anything else)', () => {
    expect(silentRefusal('login')).toMatchObject({ error: 'login_required' });
    expect(silentRefusal('select_account')).toMatchObject({ error: 'interaction_required' });
    expect(silentRefusal('login').error_description).toMatch(/prompt=none/);
  });
});
