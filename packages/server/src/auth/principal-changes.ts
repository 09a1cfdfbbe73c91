/**
 * In-process signal that a user or service principal changed (updated, disabled, deleted), raised
 * by the repositories that write those rows. Caches of token subjects on this node listen, so a
 * disabled account's next request is refused at once here; other nodes hear the database trigger
 * of migration 0014 (NOTIFY latchkey_principal_changed) at commit. Raised before commit: a cache
 * filled again in between is emptied by the NOTIFY that follows.
 */
type Listener = (principalId: string) => void;
const listeners = new Set<Listener>();

export function principalChanged(principalId: string): void {
  for (const l of listeners) l(principalId);
}

/** Subscribes; returns the unsubscribe function. */
export function onPrincipalChanged(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
