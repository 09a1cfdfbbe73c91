import Provider, { errors, type Adapter } from 'oidc-provider';
import * as oidcProviderModule from 'oidc-provider';
import type { JWK } from 'jose';
import { ACR_VALUES } from '../signin/amr.ts';
import { FIRST_PARTY_CLIENT_IDS } from '../signin/first-party.ts';
import { SILENT_PARAM } from './offline-access.ts';
import { successSource, userCodeConfirmSource, userCodeInputSource } from './device-pages.ts';
import { logoutSource, postLogoutSuccessSource } from './logout-pages.ts';
import { renderError } from './error-pages.ts';
import type { devicePolling } from './device-polling.ts';

/** Where the provider's endpoints live (the issuer is the public URL origin; discovery at the root). */
export const OIDC_ROUTES = {
  authorization: '/oidc/authorize',
  token: '/oidc/token',
  jwks: '/oidc/jwks',
  userinfo: '/oidc/userinfo',
  end_session: '/oidc/logout',
  // RFC 8628: where a device asks for a code, and the page where a person enters it (ADR 0019).
  device_authorization: '/oidc/devicecode',
  code_verification: '/oidc/device',
  // RFC 9126: pushed authorization requests (oidc-provider's default `/request` is outside `/oidc/`, where nothing answers).
  pushed_authorization_request: '/oidc/par',
  // RFC 7009: an app revokes its refresh token (and so its grant) when the person signs out of it.
  revocation: '/oidc/revoke',
} as const;

/** Where oidc-provider sends the browser to sign in; the pages come with the sign-in issue (3). */
export const interactionPath = (uid: string) => `/signin/${uid}`;
/**
 * Where a silent request's interaction goes instead (oidc/offline-access.ts): a route that answers
 * with a redirect, never a page, so a hidden iframe (which `frame-ancestors 'none'` keeps from
 * showing any Latchkey page) only ever sees redirects, as with the provider's own `prompt=none`.
 */
export const silentInteractionPath = (uid: string) => `/signin/${uid}/silent`;

export interface ProviderOptions {
  issuer: string;
  /** Active private JWKs, signing keys first. */
  jwks: JWK[];
  cookieKeys: string[];
  adapter: new (name: string) => Adapter;
  findAccount: (ctx: unknown, sub: string) => Promise<unknown>;
  /** The admin API resource indicator (RFC 8707) and `aud` of its tokens. */
  adminAudience: string;
  accessTokenTtlSeconds: number;
  /** Extra claims of a client-credentials token for `clientId` (roles, wids, oid, …). */
  appTokenClaims: (clientId: string) => Promise<Record<string, unknown> | undefined>;
  /** Extra claims of a user's access token (oid, wids, scp, amr, acr, auth_time; signin/token-claims.ts). */
  userTokenClaims?: (ctx: any, token: { kind: string; accountId?: string; clientId?: string }) => Promise<Record<string, unknown> | undefined>;
  /** Step-up within the SSO session (signin/step-up.ts): true requests the login prompt although a session exists. */
  stepUpRequired?: (ctx: any) => Promise<boolean>;
  verifyClientSecret: (clientId: string, secret: string) => Promise<boolean>;
  /**
   * Conditional Access again at a refresh_token grant (oidc/refresh-check.ts, ADR 0017): throws
   * `invalid_grant` to refuse. Runs before the refresh token's account is loaded, so before
   * anything is consumed or issued.
   */
  refreshCheck?: (ctx: any, refreshToken: any) => Promise<void>;
  /** A refresh token is about to be issued for this authorization code (records the sign-in's methods). */
  refreshTokenIssued?: (code: any) => Promise<void>;
  /** True when the SSO session was revoked (revokeSignInSessions): the login prompt is requested. */
  sessionRevoked?: (ctx: any) => Promise<boolean>;
  /** The device code flow's polling pace (oidc/device-polling.ts); one instance across provider rebuilds. */
  devicePolling?: ReturnType<typeof devicePolling>;
}

const NO_HMAC = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/**
 * The oidc-provider instance: discovery, JWKS, token endpoint (client credentials for
 * automation clients; authorization code for apps with redirect URIs), authorization endpoint
 * with interactions at `/signin/{uid}`. Access tokens for the admin API are JWTs (RFC 9068)
 * signed ES256 with Entra's claim names, verified by the same TokenVerifier as CLI tokens.
 */
export function createProvider(o: ProviderOptions): Provider {
  const provider = new Provider(o.issuer, {
    adapter: o.adapter,
    jwks: { keys: o.jwks },
    cookies: { keys: o.cookieKeys },
    // oidc-provider calls findAccount(ctx, sub, refreshToken) in the refresh_token grant right after
    // validating the token and its grant, before consuming or issuing anything (lib/actions/grants/refresh_token.js).
    findAccount: o.refreshCheck ? withRefreshCheck(o.findAccount, o.refreshCheck) : o.findAccount,
    routes: OIDC_ROUTES,
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string; params: Record<string, unknown> }) =>
        interaction.params[SILENT_PARAM] === '1' ? silentInteractionPath(interaction.uid) : interactionPath(interaction.uid),
      policy: loginPolicy(o.stepUpRequired, o.sessionRevoked),
    },
    // Refresh tokens go to clients allowed the refresh_token grant that asked for offline_access
    // (oidc-provider's default rule); the sign-in behind them is recorded for the refresh check.
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }, code: { scopes: Set<string> }) => {
      const issue = client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access');
      if (issue && o.refreshTokenIssued) await o.refreshTokenIssued(code);
      return issue;
    },
    // RFC 9700 §4.14.2: public clients' refresh tokens rotate at every use (a replayed one revokes the
    // grant); confidential clients' are bound to the client's authentication and do not (ADR 0017).
    rotateRefreshToken: (ctx: { oidc: { entities: { Client: { clientAuthMethod: string } } } }) => ctx.oidc.entities.Client.clientAuthMethod === 'none',
    // `<admin API>/.default` lets Entra-style clients (MSAL, Azure SDKs) ask for "all granted permissions".
    // `email` (OIDC Core §5.4): the user's mail address, for apps that key accounts by it (Grafana, GitLab), as Entra's v2.0 endpoint.
    scopes: ['openid', 'profile', 'email', 'offline_access', `${o.adminAudience}/.default`],
    // acr/amr/auth_time ride on the openid scope so every ID token says how and when the user signed in (issue 3).
    claims: { acr: null, amr: null, auth_time: null, sid: null, iss: null, groups: null, hasgroups: null, openid: ['sub', 'acr', 'amr', 'auth_time', 'groups', 'hasgroups'], profile: ['name', 'preferred_username', 'oid'], email: ['email'] },
    // Entra's ID tokens carry the scopes' claims (`name`, `preferred_username`, `oid`, `email`) in
    // the code flow too, and apps rely on it (ASP.NET's OpenID Connect handler does not call userinfo
    // by default); oidc-provider's default keeps them for userinfo unless response_type is `id_token`.
    conformIdTokenClaims: false,
    // `acr` = the authentication strength the sign-in satisfied (signin/amr.ts); without acrValues oidc-provider drops acr.
    acrValues: ACR_VALUES,
    // RFC 9700 §2.1.1: public clients MUST use PKCE; for a confidential client the OpenID Connect
    // nonce (bound to the ID token, checked by the app) MAY take its place. So a confidential app's
    // OpenID Connect request with a nonce may leave PKCE out, as Entra allows (GitLab's and older
    // .NET apps' default); every other authorization request needs S256 PKCE (ADR 0025).
    pkce: { required: (ctx: { oidc: { params?: Record<string, unknown> } }, client: { clientAuthMethod: string }) => pkceRequired(ctx.oidc.params ?? {}, client) },
    // Set by oidc/offline-access.ts on a silent request for offline_access; its interaction goes to `silentInteractionPath`.
    extraParams: [SILENT_PARAM],
    clientBasedCORS,
    clientDefaults: {
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
    enabledJWA: {
      clientAuthSigningAlgValues: NO_HMAC,
      requestObjectSigningAlgValues: NO_HMAC,
      idTokenSigningAlgValues: ['RS256', 'ES256'],
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // Latchkey's own pages: oidc-provider's defaults name the host and load a web font from Google.
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
      // OIDC Core §5.5: the `claims` parameter, the only way an app asks for an essential `acr`
      // (signin/requested-acr.ts); the provider's login prompt checks it and the sign-in flow meets it.
      claimsParameter: { enabled: true },
      // RFC 7009 §2.1: only the app a token was issued to may revoke it. Another confidential app is
      // told so (invalid_request); a public one, which proves nothing about itself, gets the 200 an
      // unknown token gets and nothing is revoked. A refresh token takes its whole grant with it.
      // (oidc-provider's default rule, written out: left to its default, the provider warns that it must be decided.)
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx: unknown, client: { clientId: string; clientAuthMethod: string }, token: { clientId?: string }) => {
          if (token.clientId === client.clientId) return true;
          if (client.clientAuthMethod === 'none') return false;
          throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
        },
      },
      // RFC 8628 device authorization, for apps that allow public client flows (oidc/clients.ts, ADR 0019).
      deviceFlow: { enabled: true, charset: 'base-20', mask: '****-****', userCodeInputSource, userCodeConfirmSource, successSource },
      resourceIndicators: {
        enabled: true,
        // RFC 8707 §2: without `resource`, client credentials and the console's and My Security
        // Info's sign-ins target the admin API; another app's sign-in gets an access token for
        // userinfo, as Entra's for `openid profile` reads the user's claims (such an app's token
        // holds no admin API permission, `scp`, in any case).
        defaultResource: async (ctx: { oidc?: { params?: { grant_type?: unknown } } }, client: { clientId: string }, oneOf?: string | string[]) =>
          oneOf ?? (ctx.oidc?.params?.grant_type === 'client_credentials' || FIRST_PARTY_CLIENT_IDS.has(client.clientId) ? o.adminAudience : undefined),
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: unknown, resource: string) => {
          if (resource !== o.adminAudience) throw new errors.InvalidTarget(`unknown resource; the admin API is ${o.adminAudience}`);
          return {
            audience: o.adminAudience,
            scope: '',
            accessTokenTTL: o.accessTokenTtlSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    extraTokenClaims: async (_ctx: unknown, token: { kind: string; clientId?: string; accountId?: string }) => {
      if (token.kind === 'AccessToken' && token.accountId && o.userTokenClaims) return o.userTokenClaims(_ctx, token);
      if (token.kind !== 'ClientCredentials' || !token.clientId) return undefined;
      return o.appTokenClaims(token.clientId);
    },
    formats: {
      customizers: {
        // Entra app tokens: sub = oid = the service principal's object id.
        jwt: async (_ctx: unknown, token: { kind: string }, jwt: { payload: Record<string, unknown> }) => {
          if (token.kind === 'ClientCredentials' && typeof jwt.payload.oid === 'string') jwt.payload.sub = jwt.payload.oid;
        },
      },
    },
    ttl: {
      AccessToken: o.accessTokenTtlSeconds,
      ClientCredentials: o.accessTokenTtlSeconds,
      AuthorizationCode: 60,
      // Entra's device codes last 15 minutes (expires_in 900).
      DeviceCode: 900,
      IdToken: 3600,
      Interaction: 3600,
      Grant: 14 * 86_400,
      Session: 14 * 86_400,
      RefreshToken: 14 * 86_400,
    },
    // A browser gets Latchkey's page (oidc/error-pages.ts); the provider sends JSON to anything else.
    renderError,
  });
  // The mount sets X-Forwarded-Proto/-Host from the public URL on every request (mount.ts), so the
  // provider's URLs and cookie flags follow LATCHKEY_PUBLIC_URL, never a client's Host header.
  provider.proxy = true;
  if (o.devicePolling) provider.use(o.devicePolling);
  // Secrets are stored hashed: compare against the app's current secrets, not a plaintext copy.
  provider.Client.prototype.compareClientSecret = async function (this: { clientId: string }, actual: string) {
    return o.verifyClientSecret(this.clientId, actual);
  };
  return provider;
}

/**
 * Which browser origins may call the token and revocation endpoints for a client (ADR 0014): a
 * public `web` client — a single-page app, or the console — from the origin of one of its redirect
 * URIs. Confidential clients (their secret never belongs in a browser) and native clients are
 * refused; preflights and discovery stay open (oidc-provider lib/shared/cors.js). oidc-provider's
 * default is the same except that it also opens native public clients' loopback origins.
 */
function clientBasedCORS(ctx: { oidc?: { route?: string } }, origin: string, client: { clientAuthMethod: string; applicationType: string; redirectUris: string[] }): boolean {
  if (origin === 'null') return false;
  // userinfo takes a bearer token, no client secret: open to any client's redirect origins, as oidc-provider's default.
  const browserClient = ctx.oidc?.route === 'userinfo' || (client.clientAuthMethod === 'none' && client.applicationType === 'web');
  return browserClient && client.redirectUris.some((uri) => URL.parse(uri)?.origin === origin);
}

/**
 * Whether an authorization request must carry PKCE (RFC 9700 §2.1.1): always for a public client;
 * for a confidential one unless it is an OpenID Connect request (`openid` scope) with a `nonce`.
 */
export function pkceRequired(params: Record<string, unknown>, client: { clientAuthMethod: string }): boolean {
  if (client.clientAuthMethod === 'none') return true;
  const openid = typeof params.scope === 'string' && params.scope.split(' ').includes('openid');
  return !(openid && typeof params.nonce === 'string' && params.nonce.length > 0);
}

/** The login-prompt reason of a device code sign-in (`loginPolicy`). */
const DEVICE_SIGN_IN_REASON = 'device_code';

/**
 * oidc-provider's default prompts plus `login` checks: a fresh sign-in for every device code
 * sign-in (ADR 0019), Conditional Access step-up (issue 4 item 4) and a session revoked by
 * revokeSignInSessions (ADR 0017).
 */
function loginPolicy(stepUpRequired?: (ctx: any) => Promise<boolean>, sessionRevoked?: (ctx: any) => Promise<boolean>) {
  // Not in the local type declarations (oidc-provider.d.ts); the module exports it (oidc-provider lib/index.js).
  const { Check, base } = (oidcProviderModule as unknown as { interactionPolicy: { Check: any; base(): any } }).interactionPolicy;
  const policy = base();
  const login = policy.get('login')!;
  // A device code sign-in always signs in afresh in this browser, never on its SSO session alone: a
  // phished code (RFC 8628 §5.4) then costs the victim a full sign-in, not one click (ADR 0019).
  login.checks.add(
    new Check(DEVICE_SIGN_IN_REASON, 'a device code sign-in signs in afresh', (ctx: any) =>
      (ctx.oidc.route === 'code_verification' || ctx.oidc.route === 'device_resume') && !ctx.oidc.result?.login ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT,
    ),
  );
  if (sessionRevoked)
    login.checks.add(
      // With prompt=none the answer is login_required (the session no longer signs in), not interaction_required.
      new Check('sessions_revoked', 'the sign-in sessions of this user were revoked', 'login_required', async (ctx: any) =>
        (await sessionRevoked(ctx)) ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT,
      ),
    );
  if (stepUpRequired)
    login.checks.add(
      new Check('conditional_access', 'the app requires a stronger sign-in than this session has', async (ctx: any) =>
        (await stepUpRequired(ctx)) ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT,
      ),
    );
  return policy;
}

/** `findAccount` that first runs the refresh check when oidc-provider loads a refresh token's account at the token endpoint. */
function withRefreshCheck(findAccount: ProviderOptions['findAccount'], check: NonNullable<ProviderOptions['refreshCheck']>): ProviderOptions['findAccount'] {
  return async (ctx: any, sub: string, token?: any) => {
    if (token?.kind === 'RefreshToken' && ctx?.oidc?.route === 'token' && ctx.oidc.params?.grant_type === 'refresh_token') await check(ctx, token);
    return (findAccount as (ctx: unknown, sub: string, token?: unknown) => Promise<unknown>)(ctx, sub, token);
  };
}
