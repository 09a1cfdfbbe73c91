import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from '../api/types.ts';

export interface PagedList<T> {
  items: T[];
  /** The first page is loading (initial load, reload, new query). */
  loading: boolean;
  /** A further page is loading. */
  loadingMore: boolean;
  error: unknown;
  hasMore: boolean;
  /** `@odata.count` of the first page, when the server sent it. */
  total: number | undefined;
  loadMore(): void;
  reload(): void;
  /** Replaces one item in place (after a PATCH) or removes it (null). */
  update(id: string, next: T | null): void;
}

/**
 * A Graph collection read page by page: `first` fetches page one (re-run when `key` changes);
 * further pages follow `@odata.nextLink`. Stale answers of an older key are dropped.
 */
export function usePagedList<T extends { id: string }>(
  key: string,
  first: (signal: AbortSignal) => Promise<Page<T>>,
  next: (link: string, signal: AbortSignal) => Promise<Page<T>>,
): PagedList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [nextLink, setNextLink] = useState<string | null>(null);
  const [total, setTotal] = useState<number | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const abort = useRef<AbortController | null>(null);
  const firstRef = useRef(first);
  firstRef.current = first;

  useEffect(() => {
    const ctrl = new AbortController();
    abort.current?.abort();
    abort.current = ctrl;
    setLoading(true);
    setError(null);
    firstRef.current(ctrl.signal).then(
      (page) => {
        if (ctrl.signal.aborted) return;
        setItems(page.value);
        setNextLink(page['@odata.nextLink'] ?? null);
        setTotal(page['@odata.count']);
        setLoading(false);
      },
      (e: unknown) => {
        if (ctrl.signal.aborted) return;
        setItems([]);
        setNextLink(null);
        setTotal(undefined);
        setError(e);
        setLoading(false);
      },
    );
    return () => ctrl.abort();
  }, [key, generation]);

  const loadMore = useCallback(() => {
    if (!nextLink || loadingMore) return;
    const ctrl = abort.current ?? new AbortController();
    setLoadingMore(true);
    setError(null);
    next(nextLink, ctrl.signal).then(
      (page) => {
        if (ctrl.signal.aborted) return;
        setItems((prev) => {
          const seen = new Set(prev.map((i) => i.id));
          return [...prev, ...page.value.filter((i) => !seen.has(i.id))];
        });
        setNextLink(page['@odata.nextLink'] ?? null);
        setLoadingMore(false);
      },
      (e: unknown) => {
        if (ctrl.signal.aborted) return;
        setError(e);
        setLoadingMore(false);
      },
    );
  }, [next, nextLink, loadingMore]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const update = useCallback((id: string, value: T | null) => {
    if (value === null) setTotal((t) => (t === undefined ? t : t - 1));
    setItems((prev) => (value === null ? prev.filter((i) => i.id !== id) : prev.map((i) => (i.id === id ? value : i))));
  }, []);

  return { items, loading, loadingMore, error, hasMore: nextLink !== null, total, loadMore, reload, update };
}
