import type { Store } from '../../store/database.ts';
import { CA_CHANGED_CHANNEL } from '../../store/migrations/0015_conditional_access_changes.ts';

let epoch = 0;

/**
 * Conditional Access changed (a policy, strength or named location): the next load of the
 * compiled policies reads the generation counter again (load.ts). Raised on this node by the
 * writer (`lockAndBumpGeneration`, before its commit) and on every node by the NOTIFY of
 * migration 0015's trigger (at commit), which `listenForConditionalAccessChanges` wires.
 */
export function conditionalAccessChanged(): void {
  epoch++;
}

/** How many changes were signalled so far; a cached load is current while this has not moved. */
export function changeEpoch(): number {
  return epoch;
}

/** Subscribes this node to other nodes' (and hand-made) CA changes; returns the unsubscribe. */
export function listenForConditionalAccessChanges(store: Pick<Store, 'listen'>): Promise<() => Promise<void>> {
  return store.listen(CA_CHANGED_CHANNEL, () => conditionalAccessChanged());
}
