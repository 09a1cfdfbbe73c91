import { useEffect, useRef, useState } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { ErrorAlert } from '../../components/feedback.tsx';
import { Badge } from '../../components/ListToolbar.tsx';
import { policiesApi, type AnalysisJob, type UserReport } from './policiesApi.ts';

/** Runs the lockout analysis as a job, shows its progress, then who cannot get in and why. */
export function LockoutAnalysis() {
  const api = useApi();
  const [job, setJob] = useState<AnalysisJob | null>(null);
  const [error, setError] = useState<unknown>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  const poll = (id: string) => {
    timer.current = setTimeout(async () => {
      try {
        const next = await policiesApi.analysisJob(api, id);
        setJob(next);
        if (next.status === 'running') poll(id);
      } catch (e) {
        setError(e);
      }
    }, 300);
  };
  const run = async () => {
    setError(null);
    try {
      const started = await policiesApi.startAnalysis(api);
      setJob(started);
      if (started.status === 'running') poll(started.id);
    } catch (e) {
      setError(e);
    }
  };
  const r = job?.result ?? null;
  return (
    <div className="card">
      <p className="muted">
        Every user × every application and the security-info registration action, given the methods they have, the methods they could
        register, Temporary Access Pass availability and every policy.
      </p>
      <div className="lockout-run">
        <button type="button" className="btn btn-primary" onClick={() => void run()} disabled={job?.status === 'running'}>
          Run lockout analysis
        </button>
      </div>
      {job?.status === 'running' ? (
        <p role="status">
          <progress max={job.totalUsers || 1} value={job.processedUsers} aria-label="Analysis progress" /> {job.processedUsers} /{' '}
          {job.totalUsers || '…'} users
        </p>
      ) : null}
      {job?.status === 'failed' ? (
        <div role="alert" className="alert alert-error">
          <p className="alert-message">{job.error}</p>
        </div>
      ) : null}
      {error ? <ErrorAlert title="The analysis failed" error={error} /> : null}
      {r ? (
        <div data-testid="analysis-result">
          <p role="status">
            {r.userCount} user{r.userCount === 1 ? '' : 's'} × {r.targetCount} targets (apps and registration) in {r.durationMs} ms:{' '}
            {r.lockedOutUsers.length ? (
              <Badge tone="danger">{r.lockedOutUsers.length} locked out</Badge>
            ) : (
              <Badge tone="success">nobody is locked out</Badge>
            )}{' '}
            {r.reportOnlyWouldLockOut.length ? (
              <Badge tone="warning">report-only policies would lock out {r.reportOnlyWouldLockOut.length}</Badge>
            ) : null}
          </p>
          <Users title="Locked out" users={r.lockedOutUsers} />
          <Users title="Report-only policies would lock out" users={r.reportOnlyWouldLockOut} />
          {r.needsOnboarding.length ? (
            <>
              <h3 className="section-title">Get in only after onboarding</h3>
              <ul className="object-list">
                {r.needsOnboarding.slice(0, 50).map((u) => (
                  <li key={u.id}>
                    {u.userPrincipalName}: {[...new Set(u.targets.map((t) => t.reasons.join('; ')))].join(' · ')}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function Users({ title, users }: { title: string; users: UserReport[] }) {
  if (!users.length) return null;
  return (
    <>
      <h3 className="section-title">{title}</h3>
      <ul className="object-list" aria-label={title}>
        {users.slice(0, 100).map((u) => (
          <li key={u.id} style={{ display: 'block' }}>
            <strong>{u.userPrincipalName}</strong> {u.isGlobalAdministrator ? <Badge tone="danger">Global Administrator</Badge> : null}{' '}
            <span className="muted">{u.unreachableCount} target(s)</span>
            <div className="small" style={{ marginTop: '0.35rem' }}>
              {u.unreachable.slice(0, 3).map((v) => (
                <p key={v.target.displayName} style={{ margin: '0.25rem 0' }}>
                  <strong>{v.target.displayName}</strong> — {v.reasons.join('; ')}
                </p>
              ))}
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
