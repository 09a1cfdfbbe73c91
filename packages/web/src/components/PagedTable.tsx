import type { ReactNode } from 'react';
import { navigate } from '../router.tsx';
import { EmptyState, Spinner } from './feedback.tsx';
import { ListFooter } from './ListToolbar.tsx';
import type { PagedList } from './usePagedList.ts';

/**
 * The card under a list page's toolbar: a spinner while page one loads, the empty state, or the
 * table (a row per item, selected when its id is `selectedId`, a click opens `hrefOf(item)`) with
 * the "Showing n (of total)" footer and Load more. Load errors are shown by the page above it.
 */
export function PagedTable<T extends { id: string }>({
  list,
  label,
  noun,
  loadingLabel,
  empty,
  headers,
  selectedId,
  hrefOf,
  cells,
  counted = true,
}: {
  list: PagedList<T>;
  /** aria-label of the table. */
  label: string;
  /** Plural noun of the footer ("users"). */
  noun: string;
  loadingLabel: string;
  /** Shown when the list loaded empty without an error. */
  empty: { title: string; body?: ReactNode };
  headers: string[];
  selectedId: string | null;
  hrefOf(item: T): string;
  /** The row's `<td>` cells. */
  cells(item: T): ReactNode;
  /** Whether the footer shows the server's total (`@odata.count`). */
  counted?: boolean;
}) {
  return (
    <div className="table-card">
      {list.loading ? (
        <Spinner label={loadingLabel} />
      ) : list.items.length === 0 && !list.error ? (
        <EmptyState title={empty.title}>{empty.body}</EmptyState>
      ) : list.items.length > 0 ? (
        <table className="table" aria-label={label}>
          <thead>
            <tr>
              {headers.map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {list.items.map((item) => (
              <tr key={item.id} className={item.id === selectedId ? 'selected' : undefined} onClick={() => navigate(hrefOf(item))}>
                {cells(item)}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {!list.loading && list.items.length > 0 ? (
        <ListFooter
          shown={list.items.length}
          total={counted ? list.total : undefined}
          noun={noun}
          hasMore={list.hasMore}
          loadingMore={list.loadingMore}
          onLoadMore={list.loadMore}
        />
      ) : null}
    </div>
  );
}
