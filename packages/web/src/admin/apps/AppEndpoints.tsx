import { ErrorAlert, Fields, Spinner } from '../../components/feedback.tsx';
import { useResource } from '../../components/useResource.ts';

/** The part of the OpenID Provider metadata (OIDC Discovery §3) an app's administrator copies into the app. */
interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint?: string;
  end_session_endpoint?: string;
  jwks_uri: string;
}

const DISCOVERY_PATH = '/.well-known/openid-configuration';

async function loadDiscovery(signal: AbortSignal): Promise<Discovery> {
  const res = await fetch(DISCOVERY_PATH, { signal, headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`The provider's metadata did not load (HTTP ${res.status}).`);
  return (await res.json()) as Discovery;
}

const Url = ({ href }: { href: string | undefined }) => (href ? <code className="mono small">{href}</code> : null);

/**
 * What to enter in the app to connect it (Entra's "Endpoints" pane): the metadata document URL,
 * which most OIDC libraries need alone, and each endpoint for those that ask for them one by one;
 * the scopes to request. Read from the provider's own discovery document, so it shows the public
 * URL the provider answers with.
 */
export function AppEndpoints({ isPublic }: { isPublic: boolean }) {
  const d = useResource('oidc-discovery', loadDiscovery);
  return (
    <section aria-labelledby="app-endpoints-title" data-testid="app-endpoints">
      <div className="section-head">
        <h3 className="section-title" id="app-endpoints-title">
          Connect the app
        </h3>
      </div>
      {d.loading && !d.data ? <Spinner inline label="Loading endpoints…" /> : null}
      {d.error ? <ErrorAlert title="Could not load the endpoints" error={d.error} onRetry={d.reload} /> : null}
      {d.data ? (
        <>
          <Fields
            rows={[
              // OIDC Discovery §4: the issuer with `/.well-known/openid-configuration` appended (kept if the issuer has a path).
              ['OpenID Connect metadata document', <Url href={`${d.data.issuer.replace(/\/$/, '')}${DISCOVERY_PATH}`} />],
              ['Issuer', <Url href={d.data.issuer} />],
              ['Authorization endpoint', <Url href={d.data.authorization_endpoint} />],
              ['Token endpoint', <Url href={d.data.token_endpoint} />],
              ['UserInfo endpoint', <Url href={d.data.userinfo_endpoint} />],
              ['Logout endpoint', <Url href={d.data.end_session_endpoint} />],
              ['Signing keys (JWKS)', <Url href={d.data.jwks_uri} />],
              ['Scopes', <code className="mono small">openid profile email</code>],
            ]}
          />
          <p className="hint">
            Most apps need only the metadata document, the client id and {isPublic ? 'PKCE (no secret)' : 'a client secret'}. Add{' '}
            <code>offline_access</code> to the scopes for a refresh token. The ID token carries <code>name</code>,{' '}
            <code>preferred_username</code>, <code>oid</code> and, with <code>email</code>, the user's mail address.
          </p>
        </>
      ) : null}
    </section>
  );
}
