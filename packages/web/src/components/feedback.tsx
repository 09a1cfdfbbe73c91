import type { ReactNode } from 'react';
import { ApiError } from '../api/client.ts';

/** An indeterminate spinner with a text label that screen readers announce. */
export function Spinner({ label, inline = false }: { label: string; inline?: boolean }) {
  return (
    <div className={inline ? 'spinner spinner-inline' : 'spinner'} role="status" aria-live="polite">
      <span className="spinner-ring" aria-hidden="true" />
      <span className="spinner-label">{label}</span>
    </div>
  );
}

/** An error from the API (code, message, request id) or any other failure, with an optional retry. */
export function ErrorAlert({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  const api = error instanceof ApiError ? error : null;
  const message = api ? api.message : error instanceof Error ? error.message : String(error);
  return (
    <div className="alert alert-error" role="alert">
      <div>
        {title ? <strong className="alert-title">{title}</strong> : null}
        <p className="alert-message">{message}</p>
        {api ? (
          <p className="alert-meta">
            <code>{api.code}</code>
            {api.status ? ` · HTTP ${api.status}` : ''}
            {api.requestId ? ` · request ${api.requestId}` : ''}
          </p>
        ) : null}
      </div>
      {onRetry ? (
        <button type="button" className="btn btn-secondary btn-small" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

/** What an empty list says, with an optional action. */
export function EmptyState({ title, children, compact = false }: { title: string; children?: ReactNode; compact?: boolean }) {
  return (
    <div className={compact ? 'empty empty-compact' : 'empty'}>
      <p className="empty-title">{title}</p>
      {children ? <div className="empty-body">{children}</div> : null}
    </div>
  );
}

/** A labelled read-only field list for detail panels. */
export function Fields({ rows }: { rows: Array<[string, ReactNode]> }) {
  return (
    <dl className="fields">
      {rows.map(([k, v]) => (
        <div className="field" key={k}>
          <dt>{k}</dt>
          <dd>{v ?? <span className="muted">—</span>}</dd>
        </div>
      ))}
    </dl>
  );
}
