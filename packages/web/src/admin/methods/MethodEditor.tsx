import { useEffect, useState } from 'react';
import { Badge } from '../../components/ListToolbar.tsx';
import { ErrorAlert, Spinner } from '../../components/feedback.tsx';
import { Switch } from '../../components/Switch.tsx';
import { useResource } from '../../components/useResource.ts';
import { Link } from '../../router.tsx';
import { Fido2Settings } from './Fido2Settings.tsx';
import { useRawApi } from './methodsApi.ts';
import { ProblemAlert } from './ProblemAlert.tsx';
import { TapSettings } from './TapSettings.tsx';
import { TargetProfiles } from './TargetProfiles.tsx';
import { TargetsEditor } from './TargetsEditor.tsx';
import {
  METHODS,
  type Fido2Configuration,
  type IncludeTarget,
  type MethodConfiguration,
  type MethodId,
  type TapConfiguration,
} from './types.ts';

const path = (id: string) => `/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/${encodeURIComponent(id)}`;

/**
 * /admin/methods/{id}: one method's configuration — on/off, include/exclude targets and the
 * method's own settings — saved with `If-Match` so a change made elsewhere meanwhile is a 412,
 * never silently overwritten.
 */
export function MethodEditor({ id }: { id: MethodId }) {
  const raw = useRawApi();
  const loaded = useResource(`method:${id}`, (signal) => raw.request<MethodConfiguration>(path(id), { signal }));
  const [draft, setDraft] = useState<MethodConfiguration | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [lastAction, setLastAction] = useState<'save' | 'revert'>('save');
  useEffect(() => {
    if (loaded.data) setDraft(loaded.data.body);
  }, [loaded.data]);

  const meta = METHODS[id];
  if (loaded.loading && !draft) return <Spinner label="Loading the method…" />;
  if (loaded.error && !draft) return <ErrorAlert title="Could not load the method" error={loaded.error} onRetry={loaded.reload} />;
  if (!draft || !loaded.data) return null;
  const dirty = JSON.stringify(draft) !== JSON.stringify(loaded.data.body);
  const etag = loaded.data.etag;

  const run = async (what: string, fn: () => Promise<unknown>) => {
    setBusy(true);
    setProblem(null);
    setSaved(null);
    try {
      await fn();
      loaded.reload();
      setSaved(what);
    } catch (e) {
      setProblem(e);
    } finally {
      setBusy(false);
    }
  };
  // `confirm`: repeat a change the lockout guard refused, with `?confirmLockout=true` (the admin pressed "Apply anyway").
  const save = (confirm = false) => {
    const body = Object.fromEntries(Object.entries(draft).filter(([k]) => !k.includes('@odata.context')));
    return run('Saved.', () => raw.request(`${path(id)}${confirm ? '?confirmLockout=true' : ''}`, { method: 'PATCH', body, ifMatch: etag }));
  };
  const revert = (confirm = false) => {
    if (!confirm && !window.confirm(`Revert ${meta.label} to Entra's default configuration?`)) return;
    return run('Reverted to the default configuration.', () => raw.request(`${path(id)}${confirm ? '?confirmLockout=true' : ''}`, { method: 'DELETE', ifMatch: etag }));
  };
  const reload = () => {
    setProblem(null);
    setDraft(null);
    loaded.reload();
  };

  return (
    <div className="card" aria-labelledby="method-heading">
      <div style={{ display: 'flex', alignItems: 'center', gap: 12 }}>
        <h2 id="method-heading" className="section-title" style={{ margin: 0 }}>
          {meta.label}
        </h2>
        <Badge tone={loaded.data.body.state === 'enabled' ? 'success' : 'neutral'}>
          {loaded.data.body.state === 'enabled' ? 'Enabled' : 'Disabled'}
        </Badge>
        {meta.available ? null : <Badge tone="warning">Stored for Entra parity; Latchkey does not send these</Badge>}
        <span className="muted small" style={{ marginLeft: 'auto' }}>
          Version {etag?.replace(/^W\/"|"$/g, '') ?? '—'}
        </span>
      </div>
      <p className="hint" style={{ margin: '4px 0 14px' }}>
        {meta.note}
      </p>
      <div className="panel-section">
        <Switch
          label="Enable this method"
          checked={draft.state === 'enabled'}
          onChange={(on) => setDraft({ ...draft, state: on ? 'enabled' : 'disabled' })}
        />
      </div>
      <TargetsEditor
        include={draft.includeTargets}
        exclude={draft.excludeTargets}
        onChange={(includeTargets, excludeTargets) => setDraft({ ...draft, includeTargets, excludeTargets })}
        {...(draft.id === 'Fido2' && (draft as Fido2Configuration).passkeyProfiles.length
          ? {
              includeExtra: (t: IncludeTarget, change: (next: IncludeTarget) => void, name: string) => (
                <TargetProfiles target={t} profiles={(draft as Fido2Configuration).passkeyProfiles} name={name} onChange={change} />
              ),
            }
          : {})}
      />
      {draft.id === 'Fido2' ? <Fido2Settings value={draft as Fido2Configuration} onChange={setDraft} /> : null}
      {draft.id === 'TemporaryAccessPass' ? <TapSettings value={draft as TapConfiguration} onChange={setDraft} /> : null}
      {problem ? <ProblemAlert error={problem} onReload={reload} onConfirm={() => void (lastAction === 'revert' ? revert(true) : save(true))} busy={busy} /> : null}
      {saved && !dirty ? (
        <p role="status" className="alert alert-success">
          {saved}
        </p>
      ) : null}
      <div className="button-row">
        <button type="button" className="btn btn-primary" onClick={() => (setLastAction('save'), void save())} disabled={busy || !dirty}>
          {busy ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="btn btn-secondary" onClick={() => setDraft(loaded.data!.body)} disabled={busy || !dirty}>
          Discard changes
        </button>
        <Link href="/admin/methods" className="btn btn-secondary">
          Back to methods
        </Link>
        <button
          type="button"
          className="btn btn-danger-outline"
          style={{ marginLeft: 'auto' }}
          onClick={() => (setLastAction('revert'), void revert())}
          disabled={busy}
        >
          Revert to default
        </button>
      </div>
    </div>
  );
}
