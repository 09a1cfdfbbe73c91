import { useEffect, useId, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client.ts';
import { useApi } from '../../auth/AuthContext.tsx';
import { ErrorAlert } from '../../components/feedback.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useResource } from '../../components/useResource.ts';
import { OneTimeSecret } from '../apps/OneTimeSecret.tsx';
import { tapEnd, userMethodsApi, type TapMethod } from './UserMethodsApi.ts';

/**
 * Issues a Temporary Access Pass (POST …/temporaryAccessPassMethods): lifetime, one-time or
 * multi-use, optional start. The pass is shown once; a new pass replaces the user's current one.
 * The API's own messages are shown for a lifetime out of the policy's range, a policy that has
 * TAP off, or an administrator issuing one to themselves.
 */
export function IssueTap({ userId, current, onIssued }: { userId: string; current: TapMethod | null; onIssued(): void }) {
  const api = useApi();
  const id = useId();
  const policy = useResource('tap-policy', (signal) => userMethodsApi.tapPolicy(api, signal));
  const p = policy.data ?? null;
  const [open, setOpen] = useState(false);
  const [lifetime, setLifetime] = useState('');
  const [once, setOnce] = useState(false);
  const [start, setStart] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [issued, setIssued] = useState<TapMethod | null>(null);
  const [listed, setListed] = useState(false);
  const forcedOnce = p?.isUsableOnce === true;
  // The pass stays on screen until the list has shown it and it is then used up, expired, replaced or deleted.
  useEffect(() => {
    if (issued && current?.id === issued.id) setListed(true);
  }, [issued, current]);
  const gone =
    listed &&
    (current?.id !== issued?.id || current?.methodUsabilityReason === 'OneTimeUsed' || current?.methodUsabilityReason === 'Expired');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const tap = await userMethodsApi.issueTap(api, userId, {
        isUsableOnce: forcedOnce || once,
        ...(lifetime.trim() ? { lifetimeInMinutes: Number(lifetime) } : {}),
        ...(start ? { startDateTime: new Date(start).toISOString() } : {}),
      });
      setIssued(tap);
      setListed(false);
      setOpen(false);
      setLifetime('');
      setOnce(false);
      setStart('');
      onIssued();
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      <div className="section-head">
        <h3 className="section-title">Temporary Access Pass</h3>
        {open ? null : (
          <button
            type="button"
            className="btn btn-secondary btn-small"
            onClick={() => {
              setIssued(null);
              setError(null);
              setOpen(true);
            }}
          >
            Issue a pass
          </button>
        )}
      </div>
      {!open && !(issued?.temporaryAccessPass && !gone) ? (
        <p className="hint" style={{ marginTop: -4 }}>
          A time-limited pass to sign in and set up a passkey (onboarding, a lost device). A new pass replaces the current one.
        </p>
      ) : null}
      {issued?.temporaryAccessPass && !gone ? (
        <OneTimeSecret
          label="Temporary Access Pass"
          value={issued.temporaryAccessPass}
          note={`${issued.isUsableOnce ? 'One-time' : 'Multi-use'} pass, valid ${formatDateTime(issued.startDateTime)} – ${formatDateTime(tapEnd(issued))}. Give it to the user over a trusted channel; Latchkey keeps only a hash.`}
        />
      ) : null}
      {open ? (
        <form className="panel-section" onSubmit={submit} noValidate aria-label="Issue a Temporary Access Pass">
          {error ? <ErrorAlert title="No pass was issued" error={error} /> : null}
          {error instanceof ApiError && error.status === 403 ? (
            <p className="hint" style={{ margin: '-6px 0 12px' }}>
              Nobody may issue a pass to themselves; an Authentication Administrator may not issue one to an administrator. Ask another
              administrator.
            </p>
          ) : null}
          {current ? (
            <p className="alert alert-info" style={{ margin: '0 0 12px' }}>
              The user already has a pass; issuing a new one replaces it.
            </p>
          ) : null}
          {p?.state === 'disabled' ? (
            <p className="hint" style={{ margin: '0 0 12px' }}>
              Temporary Access Pass is turned off in the authentication methods policy.
            </p>
          ) : null}
          <div className="form-row">
            <label className="label" htmlFor={`${id}-l`}>
              Lifetime (minutes)
            </label>
            <input
              id={`${id}-l`}
              className="input"
              type="number"
              inputMode="numeric"
              min={1}
              value={lifetime}
              placeholder={p ? String(p.defaultLifetimeInMinutes) : 'policy default'}
              onChange={(e) => setLifetime(e.target.value)}
              aria-describedby={`${id}-lh`}
            />
            <p id={`${id}-lh`} className="hint">
              {p
                ? `Between ${p.minimumLifetimeInMinutes} and ${p.maximumLifetimeInMinutes} minutes; empty for the default (${p.defaultLifetimeInMinutes}).`
                : 'Empty for the policy default.'}
            </p>
          </div>
          <label className="checkbox form-row">
            <input type="checkbox" checked={forcedOnce || once} disabled={forcedOnce} onChange={(e) => setOnce(e.target.checked)} />
            One-time use{forcedOnce ? ' (the policy requires it)' : ' (otherwise usable until it expires)'}
          </label>
          <div className="form-row">
            <label className="label" htmlFor={`${id}-s`}>
              Start (optional)
            </label>
            <input id={`${id}-s`} className="input" type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />
            <p className="hint">Empty to start now. Your browser's time zone.</p>
          </div>
          <div className="button-row">
            <button type="button" className="btn btn-secondary" onClick={() => setOpen(false)} disabled={saving}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" disabled={saving} aria-busy={saving}>
              {saving ? 'Issuing…' : 'Issue pass'}
            </button>
          </div>
        </form>
      ) : null}
    </>
  );
}
