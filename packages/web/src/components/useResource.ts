import { useCallback, useEffect, useState } from 'react';

export interface Resource<T> {
  data: T | undefined;
  loading: boolean;
  error: unknown;
  reload(): void;
  /** Replaces the data (after a change the caller already re-read). */
  set(value: T): void;
}

/** One request's state (loading, data, error), re-run when `key` changes; stale answers dropped. */
export function useResource<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [loading, setLoading] = useState(key !== null);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (key === null) return;
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    load(ctrl.signal).then(
      (value) => {
        if (ctrl.signal.aborted) return;
        setData(value);
        setLoading(false);
      },
      (e: unknown) => {
        if (ctrl.signal.aborted) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => ctrl.abort();
    // `load` is recreated each render; `key` names what it loads.
  }, [key, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, loading, error, reload, set: setData };
}
