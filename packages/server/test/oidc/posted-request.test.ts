import { describe, expect, it } from 'vitest';
import { answerPostedRequest, isPostedRequest, MAX_POSTED_QUERY_BYTES } from '../../src/oidc/posted-request.ts';

const ENDPOINTS = { authorization: '/oidc/authorize', end_session: '/oidc/logout' };
const FORM = 'application/x-www-form-urlencoded';

describe('posted authorization and logout requests (the pure answer, ADR 0023)', () => {
  it('answers only a POST to the two endpoints, by exact path', () => {
    expect(isPostedRequest('POST', '/oidc/authorize', ENDPOINTS)).toBe(true);
    expect(isPostedRequest('POST', '/oidc/authorize?x=1', ENDPOINTS)).toBe(true);
    expect(isPostedRequest('POST', '/oidc/logout', ENDPOINTS)).toBe(true);
    expect(isPostedRequest('GET', '/oidc/authorize', ENDPOINTS)).toBe(false);
    expect(isPostedRequest('POST', '/oidc/authorize/abc123', ENDPOINTS)).toBe(false); // the resume path
    expect(isPostedRequest('POST', '/oidc/logout/confirm', ENDPOINTS)).toBe(false); // the confirmation form
    expect(isPostedRequest('POST', '/oidc/token', ENDPOINTS)).toBe(false);
  });

  it('re-encodes the form after the URL’s own query; a charset parameter and upper case in the media type are fine', () => {
    const body = Buffer.from('client_id=app&scope=openid+profile&redirect_uri=https%3A%2F%2Fa.example%2Fcb%3Fx%3D1%26y%3D2');
    const a = answerPostedRequest('/oidc/authorize?ui_locales=de', 'Application/X-WWW-Form-Urlencoded; charset=UTF-8', body);
    expect(a.kind).toBe('redirect');
    const to = new URL((a as { location: string }).location, 'http://h');
    expect(to.pathname).toBe('/oidc/authorize');
    expect([...to.searchParams]).toEqual([
      ['ui_locales', 'de'],
      ['client_id', 'app'],
      ['scope', 'openid profile'],
      ['redirect_uri', 'https://a.example/cb?x=1&y=2'],
    ]);
  });

  it('an empty form goes to the bare endpoint (the provider then says what is missing)', () => {
    expect(answerPostedRequest('/oidc/logout', FORM, Buffer.alloc(0))).toEqual({ kind: 'redirect', location: '/oidc/logout' });
  });

  it('refuses a body that is not a form, or none, and parameters too long for a URL', () => {
    expect(answerPostedRequest('/oidc/authorize', 'application/json', Buffer.from('{}'))).toMatchObject({ kind: 'error', status: 400, error: 'invalid_request' });
    expect(answerPostedRequest('/oidc/authorize', undefined, undefined)).toMatchObject({ kind: 'error', status: 400 });
    expect(answerPostedRequest('/oidc/authorize', FORM, undefined)).toMatchObject({ kind: 'error', status: 400 });
    const atLimit = Buffer.from(`a=${'b'.repeat(MAX_POSTED_QUERY_BYTES - 2)}`);
    expect(answerPostedRequest('/oidc/authorize', FORM, atLimit).kind).toBe('redirect');
    const over = Buffer.from(`a=${'b'.repeat(MAX_POSTED_QUERY_BYTES - 1)}`);
    expect(answerPostedRequest('/oidc/authorize', FORM, over)).toMatchObject({ kind: 'error', status: 413 });
  });
});
