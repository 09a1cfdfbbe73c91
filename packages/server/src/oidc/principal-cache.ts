import type { SubjectRecord } from './principals-repository.ts';

/**
 * The subjects of admin-API tokens (enabled? name?) as last read, so a burst of requests with one
 * token costs one read, not one per request (ADR 0011). An entry is dropped when its user or
 * service principal changes — at once on this node (auth/principal-changes.ts) and on every node
 * at commit (NOTIFY from migration 0014's triggers) — and is never used after `ttlMs`, should a
 * notification be lost with its connection. Bounded: the oldest entry goes first.
 */
export function createPrincipalCache(options: { ttlMs: number; maxEntries: number }) {
  const entries = new Map<string, { subject: SubjectRecord | undefined; at: number }>();
  let evictions = 0;
  return {
    /** Taken before a read; `set` ignores the read if anything was evicted since (it may predate the change). */
    get mark(): number {
      return evictions;
    },
    /** The cached read for `kind:id`: `{ subject }` (undefined subject = not found), or undefined on a miss. */
    get(key: string, nowMs: number): { subject: SubjectRecord | undefined } | undefined {
      const e = entries.get(key);
      if (!e) return undefined;
      if (nowMs - e.at >= options.ttlMs) {
        entries.delete(key);
        return undefined;
      }
      return e;
    },
    set(key: string, subject: SubjectRecord | undefined, nowMs: number, mark: number): void {
      if (options.maxEntries <= 0 || options.ttlMs <= 0 || mark !== evictions) return;
      if (entries.size >= options.maxEntries && !entries.has(key)) entries.delete(entries.keys().next().value!);
      entries.set(key, { subject, at: nowMs });
    },
    /** Drops every entry of the principal (user or service principal) with this id. */
    evict(id: string): void {
      evictions++;
      entries.delete(`user:${id}`);
      entries.delete(`servicePrincipal:${id}`);
    },
    clear(): void {
      evictions++;
      entries.clear();
    },
    get size(): number {
      return entries.size;
    },
  };
}
