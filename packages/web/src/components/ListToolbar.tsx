import { useId, type ReactNode } from 'react';

/** A search box (labelled) with actions on the right, above a list. */
export function ListToolbar({
  search,
  onSearch,
  searchLabel,
  placeholder,
  children,
}: {
  search: string;
  onSearch(value: string): void;
  searchLabel: string;
  placeholder: string;
  children?: ReactNode;
}) {
  const id = useId();
  return (
    <div className="toolbar" role="search">
      <label htmlFor={id} className="sr-only">
        {searchLabel}
      </label>
      <div className="search">
        <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true" className="search-icon">
          <circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" strokeWidth="1.7" />
          <path d="M13 13l4 4" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" />
        </svg>
        <input
          id={id}
          type="search"
          className="input search-input"
          placeholder={placeholder}
          value={search}
          onChange={(e) => onSearch(e.target.value)}
        />
      </div>
      <div className="toolbar-actions">{children}</div>
    </div>
  );
}

/** Under a list: how many are shown, and "Load more" while the server has further pages. */
export function ListFooter({
  shown,
  total,
  noun,
  hasMore,
  loadingMore,
  onLoadMore,
}: {
  shown: number;
  total?: number | undefined;
  noun: string;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore(): void;
}) {
  return (
    <div className="list-footer">
      <span className="muted" aria-live="polite">
        {total !== undefined ? `Showing ${shown} of ${total} ${noun}` : `Showing ${shown} ${noun}`}
      </span>
      {hasMore ? (
        <button type="button" className="btn btn-secondary" onClick={onLoadMore} disabled={loadingMore} aria-busy={loadingMore}>
          {loadingMore ? <span className="spinner-ring spinner-ring-small" aria-hidden="true" /> : null}
          {loadingMore ? 'Loading…' : 'Load more'}
        </button>
      ) : null}
    </div>
  );
}

/** Enabled / Disabled and similar status pills. */
export function Badge({ tone, children }: { tone: 'success' | 'neutral' | 'danger' | 'warning' | 'info'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}
