import { useState, type ReactNode } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { EmptyState, ErrorAlert, Spinner } from '../../components/feedback.tsx';
import { formatDateTime } from '../../components/format.ts';
import { Badge } from '../../components/ListToolbar.tsx';
import { useResource } from '../../components/useResource.ts';
import { userMethodsApi, tapEnd, type MethodKind, type TapMethod, type UserMethodSet } from './UserMethodsApi.ts';
import { PerUserMfa } from './UserMethodsMfa.tsx';
import { IssueTap } from './UserMethodsTap.tsx';

/** One row of the list: what it is, its facts, and how removing it is worded. */
interface Row {
  kind: MethodKind;
  id: string;
  type: string;
  name: string;
  meta: ReactNode;
  badge?: ReactNode;
  removeLabel: string;
  confirm: string;
}

const TAP_STATE: Record<TapMethod['methodUsabilityReason'], { tone: 'success' | 'neutral' | 'warning' | 'danger'; text: string }> = {
  EnabledByPolicy: { tone: 'success', text: 'Usable' },
  NotYetValid: { tone: 'warning', text: 'Not yet valid' },
  Expired: { tone: 'neutral', text: 'Expired' },
  OneTimeUsed: { tone: 'neutral', text: 'Used' },
  DisabledByPolicy: { tone: 'danger', text: 'Blocked by policy' },
};

const when = (iso: string | null | undefined) => (iso ? formatDateTime(iso) : 'never');

/** The rows of every kind, passkeys first. */
function rowsOf(m: UserMethodSet): Row[] {
  return [
    ...m.passkeys.map((p) => ({
      kind: 'passkeys' as const,
      id: p.id,
      type: 'Passkey',
      name: p.displayName,
      meta: (
        <>
          {p.model ?? <span title={`AAGUID ${p.aaGuid}`}>Unknown authenticator</span>} · AAGUID <code className="mono">{p.aaGuid}</code> ·{' '}
          {p.attestationLevel === 'attested' ? 'attested' : 'not attested'} · added {when(p.createdDateTime)} · last used{' '}
          {when(p.lastUsedDateTime)}
        </>
      ),
      badge: <Badge tone="info">{p.passkeyType === 'synced' ? 'Synced' : 'Device-bound'}</Badge>,
      removeLabel: 'Delete',
      confirm: 'The user can no longer sign in with this passkey.',
    })),
    ...m.softwareOath.map((o) => ({
      kind: 'softwareOath' as const,
      id: o.id,
      type: 'Authenticator app',
      name: o.displayName ?? 'Authenticator app',
      meta: (
        <>
          Software OATH (TOTP) · added {when(o.createdDateTime)} · last used {when(o.lastUsedDateTime)}
        </>
      ),
      badge: o.status === 'activated' ? <Badge tone="success">Active</Badge> : <Badge tone="warning">Pending</Badge>,
      removeLabel: 'Delete',
      confirm: 'Codes from this app stop working.',
    })),
    ...m.hardwareOath.map((h) => ({
      kind: 'hardwareOath' as const,
      id: h.id,
      type: 'Hardware token',
      name: h.displayName ?? `Token ${h.device.serialNumber}`,
      meta: (
        <>
          Hardware OATH · serial {h.device.serialNumber}
          {h.device.manufacturer || h.device.model ? ` · ${[h.device.manufacturer, h.device.model].filter(Boolean).join(' ')}` : ''} · last
          used {when(h.device.lastUsedDateTime)}
        </>
      ),
      badge: h.device.status === 'activated' ? <Badge tone="success">Active</Badge> : <Badge tone="warning">Not activated</Badge>,
      removeLabel: 'Unassign',
      confirm: 'The token goes back to the inventory and its codes stop working for this user.',
    })),
    ...m.tap.map((t) => ({
      kind: 'tap' as const,
      id: t.id,
      type: 'Temporary Access Pass',
      name: t.isUsableOnce ? 'One-time pass' : 'Multi-use pass',
      meta: (
        <>
          Valid {formatDateTime(t.startDateTime)} – {formatDateTime(tapEnd(t))} ({t.lifetimeInMinutes} min) · reason{' '}
          <code className="mono">{t.methodUsabilityReason}</code>
        </>
      ),
      badge: <Badge tone={TAP_STATE[t.methodUsabilityReason].tone}>{TAP_STATE[t.methodUsabilityReason].text}</Badge>,
      removeLabel: 'Delete',
      confirm: 'The pass stops working at once.',
    })),
    ...m.password.map((p) => ({
      kind: 'password' as const,
      id: p.id,
      type: 'Password',
      name: 'Password',
      meta: <>Set {when(p.createdDateTime)}</>,
      removeLabel: 'Turn off',
      confirm: 'The password is forgotten; the user signs in with their other methods.',
    })),
  ];
}

/**
 * The user panel's "Authentication methods" section: every method the user has (passkeys with
 * their authenticator name and sync state, OATH apps and tokens, the Temporary Access Pass with
 * its usability reason, the password), removal after a confirmation, issuing a TAP, and the
 * legacy per-user MFA state.
 */
export function UserMethods({ userId }: { userId: string }) {
  const api = useApi();
  const methods = useResource(`methods:${userId}`, (signal) => userMethodsApi.all(api, userId, signal));
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const m = methods.data;
  const rows = m ? rowsOf(m) : [];

  const remove = async (row: Row) => {
    setBusy(true);
    setError(null);
    try {
      await userMethodsApi.remove(api, userId, row.kind, row.id);
      setConfirming(null);
      methods.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby={`methods-${userId}`}>
      <div className="section-head">
        <h3 id={`methods-${userId}`} className="section-title">
          Authentication methods
        </h3>
        <button type="button" className="btn btn-secondary btn-small" onClick={methods.reload} disabled={methods.loading}>
          Refresh
        </button>
      </div>
      {methods.loading && !m ? <Spinner inline label="Loading methods…" /> : null}
      {methods.error ? <ErrorAlert title="Could not load the methods" error={methods.error} onRetry={methods.reload} /> : null}
      {m && m.errors.length > 0 ? (
        <ErrorAlert title={`${m.errors.length} of 5 kinds of methods could not be loaded`} error={m.errors[0]} onRetry={methods.reload} />
      ) : null}
      {error ? <ErrorAlert title="The method was not removed" error={error} /> : null}
      {m && rows.length === 0 ? <EmptyState compact title="No authentication methods yet." /> : null}
      {rows.length > 0 ? (
        <ul className="object-list" aria-label="Authentication methods">
          {rows.map((r) => (
            <li key={`${r.kind}:${r.id}`} aria-label={`${r.type}: ${r.name}`} style={{ alignItems: 'flex-start' }}>
              <div style={{ flex: 1, minWidth: 0 }}>
                <div>
                  <span className="muted small">{r.type}</span> <strong>{r.name}</strong> {r.badge ?? null}
                </div>
                <div className="small muted" style={{ overflowWrap: 'anywhere' }}>
                  {r.meta}
                </div>
                {confirming === `${r.kind}:${r.id}` ? (
                  <div className="panel-section" style={{ margin: '8px 0 0' }}>
                    <p style={{ margin: '0 0 8px' }}>
                      {r.removeLabel} this {r.type.toLowerCase()}? {r.confirm}
                    </p>
                    <div className="button-row">
                      <button type="button" className="btn btn-secondary btn-small" onClick={() => setConfirming(null)} disabled={busy}>
                        Keep
                      </button>
                      <button type="button" className="btn btn-danger btn-small" onClick={() => void remove(r)} disabled={busy}>
                        {r.removeLabel} {r.type.toLowerCase()}
                      </button>
                    </div>
                  </div>
                ) : null}
              </div>
              {confirming === `${r.kind}:${r.id}` ? null : (
                <button
                  type="button"
                  className="btn btn-danger-outline btn-small"
                  onClick={() => setConfirming(`${r.kind}:${r.id}`)}
                  aria-label={`${r.removeLabel} ${r.type.toLowerCase()} ${r.name}`}
                >
                  {r.removeLabel}…
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      <IssueTap userId={userId} current={m?.tap[0] ?? null} onIssued={methods.reload} />
      <PerUserMfa userId={userId} />
    </section>
  );
}
