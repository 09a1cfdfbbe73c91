import { createHash, randomBytes } from 'node:crypto';
import type { SoftAuthenticator } from '@latchkey/authenticator';
import { Jar, type Client } from '../support/http-client.ts';

/** What the bench knows about the server and its registered app. */
export interface Target {
  base: string;
  /** The public origin the server's RP expects in clientDataJSON (LATCHKEY_PUBLIC_URL). */
  origin: string;
  authorizePath: string;
  tokenPath: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

let clientSerial = 0;

/**
 * One simulated browser, as the sign-in page drives the JSON endpoints: an authorization request
 * (auth code + PKCE) lands on `/signin/{uid}`, the page calls `start`, then `passkey/options` and
 * `passkey/verify` (usernameless: the passkey names the account), then follows `redirectTo`
 * through the provider back to the app, which redeems the code at the token endpoint.
 *
 * Every browser has its own client address (X-Forwarded-For from a trusted loopback proxy, in
 * 198.18.0.0/15, RFC 2544's benchmarking range — a header value, nothing is sent there), so the
 * per-IP sign-in rate limit (60/min) sees many people, as behind a real load balancer.
 */
export class Browser {
  readonly jar = new Jar();
  readonly xff: string;
  uid = '';
  private verifier = randomBytes(32).toString('base64url');
  private state = randomBytes(16).toString('base64url');
  private http: Client;
  private t: Target;
  constructor(http: Client, t: Target) {
    this.http = http;
    this.t = t;
    const n = clientSerial++;
    this.xff = `198.${18 + ((n >> 16) & 1)}.${(n >> 8) & 255}.${n & 255}`;
  }

  private headers(path: string, json = false): Record<string, string> {
    const h: Record<string, string> = { 'x-forwarded-for': this.xff };
    const c = this.jar.header(path);
    if (c) h.cookie = c;
    if (json) h['content-type'] = 'application/json';
    return h;
  }

  /** GET, following redirects on the server until a sign-in page or a foreign URL (the app's callback). */
  async follow(location: string): Promise<URL> {
    const base = new URL(this.t.base);
    let url = new URL(location, base);
    for (let hop = 0; hop < 10; hop++) {
      if (url.origin === this.t.origin) url = new URL(url.pathname + url.search, base); // the public name → the listening port
      if (url.origin !== base.origin || url.pathname.startsWith('/signin/')) return url;
      const path = url.pathname + url.search;
      const r = await this.http.send('GET', path, this.headers(url.pathname));
      this.jar.store(r.setCookie);
      if (!r.location) throw new Error(`no redirect from ${path} (${r.status}): ${r.body.slice(0, 300)}`);
      url = new URL(r.location, url);
    }
    throw new Error('too many redirects');
  }

  async post(path: string, body: unknown = {}): Promise<{ status: number; body: any }> {
    const r = await this.http.send('POST', path, this.headers(path, true), JSON.stringify(body));
    this.jar.store(r.setCookie);
    return { status: r.status, body: r.body ? JSON.parse(r.body) : undefined };
  }

  /** The app sends the browser to the authorization endpoint; it lands on the sign-in page, which loads its flow. */
  async open(): Promise<void> {
    const challenge = createHash('sha256').update(this.verifier).digest('base64url');
    const q = new URLSearchParams({ client_id: this.t.clientId, response_type: 'code', redirect_uri: this.t.redirectUri, scope: 'openid', state: this.state, nonce: this.state, code_challenge: challenge, code_challenge_method: 'S256' });
    const page = await this.follow(`${this.t.authorizePath}?${q}`);
    const uid = /^\/signin\/([^/]+)$/.exec(page.pathname)?.[1];
    if (!uid) throw new Error(`expected the sign-in page, got ${page}`);
    this.uid = uid;
    const s = await this.post(`/signin/${uid}/api/start`);
    if (s.status !== 200 || s.body.state !== 'identify') throw new Error(`start: ${s.status} ${JSON.stringify(s.body)}`);
  }

  /** The passkey ceremony: options, the authenticator signs, verify. Returns where the browser goes next. */
  async passkey(auth: SoftAuthenticator): Promise<string> {
    const o = await this.post(`/signin/${this.uid}/api/passkey/options`);
    if (o.status !== 200) throw new Error(`options: ${o.status} ${JSON.stringify(o.body)}`);
    const response = auth.getAssertion({ rpId: o.body.options.rpId, origin: this.t.origin, challenge: o.body.options.challenge, allowCredentials: [] });
    const v = await this.post(`/signin/${this.uid}/api/passkey/verify`, { response });
    if (v.status !== 200 || v.body.state !== 'complete' || !v.body.redirectTo) throw new Error(`verify: ${v.status} ${JSON.stringify(v.body)}`);
    return v.body.redirectTo as string;
  }

  /** Back to the app: the provider's resume (and a consent interaction, answered by the page's start), then the code for tokens. */
  async finish(redirectTo: string): Promise<void> {
    let next = await this.follow(redirectTo);
    for (let i = 0; i < 3 && next.pathname.startsWith('/signin/'); i++) {
      const s = await this.post(`${next.pathname}/api/start`);
      if (!s.body?.redirectTo) throw new Error(`consent: ${s.status} ${JSON.stringify(s.body)}`);
      next = await this.follow(s.body.redirectTo);
    }
    const code = next.searchParams.get('code');
    if (!code || next.searchParams.get('state') !== this.state) throw new Error(`no code at the callback: ${next}`);
    const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: this.t.redirectUri, code_verifier: this.verifier }).toString();
    const basic = Buffer.from(`${encodeURIComponent(this.t.clientId)}:${encodeURIComponent(this.t.clientSecret)}`).toString('base64');
    const r = await this.http.send('POST', this.t.tokenPath, { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` }, form);
    if (r.status !== 200 || !JSON.parse(r.body).id_token) throw new Error(`token: ${r.status} ${r.body.slice(0, 300)}`);
  }
}
