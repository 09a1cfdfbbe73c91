/**
 * Coalesces concurrent single-item calls into one call over many items: the DataLoader pattern,
 * for hot statements whose cost is mostly the round trip (ADR 0013).
 *
 * A call is queued and a batch starts in the check phase of the current event-loop turn
 * (`setImmediate`): after every I/O callback of that turn, so the requests that arrived together
 * leave together, and a lone call on an idle server waits only for the rest of its own turn.
 * (At the end of the microtask checkpoint instead, the first request of a burst left alone and
 * took the slot, and the rest of the burst waited a whole round trip behind it: ADR 0013.) While
 * `maxInFlight` batches are running, further calls wait in the queue and leave together when one
 * returns — the busier the server, the larger the batches, and each batch costs one statement,
 * one commit and one socket write instead of one per call.
 *
 * Items with the same `keyOf` never share a batch (the later one goes in a following batch):
 * a statement like `UPDATE … FROM (values)` applies only one of two source rows that match the
 * same target row, so two writes to one row must be separate statements.
 */
export interface MicroBatchOptions<I, O> {
  /** Names the batcher in the process-wide totals (`/metrics`: latchkey_db_batches_total{statement}). */
  name: string;
  /** Runs one batch; resolves to one outcome per item, in the items' order. */
  run(items: readonly I[]): Promise<readonly O[]>;
  /** At most this many items per batch. */
  maxBatch: number;
  /** At most this many batches running at once. */
  maxInFlight: number;
  /** Items with equal keys go in different batches. */
  keyOf?(item: I): string;
}

export interface MicroBatchStats {
  batches: number;
  items: number;
  largest: number;
}

export interface MicroBatcher<I, O> {
  load(item: I): Promise<O>;
  readonly stats: Readonly<MicroBatchStats>;
}

/** Process-wide totals per batcher name, summed over every database the process opened. */
const totals = new Map<string, MicroBatchStats>();

export function microBatchTotals(): ReadonlyMap<string, Readonly<MicroBatchStats>> {
  return totals;
}

/** The totals entry for `name`, created at zero (so `/metrics` shows a statement before its first batch). */
export function totalsFor(name: string): Readonly<MicroBatchStats> {
  let t = totals.get(name);
  if (!t) totals.set(name, (t = { batches: 0, items: 0, largest: 0 }));
  return t;
}

interface Waiter<I, O> {
  item: I;
  resolve(o: O): void;
  reject(e: unknown): void;
}

export function microBatch<I, O>(options: MicroBatchOptions<I, O>): MicroBatcher<I, O> {
  const { name, run, maxBatch, maxInFlight, keyOf } = options;
  if (!(maxBatch >= 1 && maxInFlight >= 1)) throw new RangeError('microBatch: maxBatch and maxInFlight must be at least 1');
  let queue: Waiter<I, O>[] = [];
  let inFlight = 0;
  let scheduled = false;
  const stats: MicroBatchStats = { batches: 0, items: 0, largest: 0 };
  const total = totalsFor(name) as MicroBatchStats;

  const schedule = (): void => {
    if (scheduled || inFlight >= maxInFlight || queue.length === 0) return;
    scheduled = true;
    setImmediate(flush);
  };

  /** Takes the next batch off the queue: first come first served, skipping a key already taken. */
  const take = (): Waiter<I, O>[] => {
    if (!keyOf) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      return batch;
    }
    const batch: Waiter<I, O>[] = [];
    const rest: Waiter<I, O>[] = [];
    const keys = new Set<string>();
    for (const w of queue) {
      const k = keyOf(w.item);
      if (batch.length < maxBatch && !keys.has(k)) {
        keys.add(k);
        batch.push(w);
      } else rest.push(w);
    }
    queue = rest;
    return batch;
  };

  const settle = (batch: Waiter<I, O>[], outcome: { ok: true; values: readonly O[] } | { ok: false; error: unknown }): void => {
    if (outcome.ok && outcome.values.length !== batch.length) {
      outcome = { ok: false, error: new Error(`microBatch: a batch of ${batch.length} returned ${outcome.values.length} outcomes`) };
    }
    for (let i = 0; i < batch.length; i++) {
      if (outcome.ok) batch[i]!.resolve(outcome.values[i] as O);
      else batch[i]!.reject(outcome.error);
    }
  };

  function flush(): void {
    scheduled = false;
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = take();
      inFlight++;
      stats.batches++;
      stats.items += batch.length;
      stats.largest = Math.max(stats.largest, batch.length);
      total.batches++;
      total.items += batch.length;
      total.largest = Math.max(total.largest, batch.length);
      let running: Promise<readonly O[]>;
      try {
        running = run(batch.map((w) => w.item));
      } catch (error) {
        running = Promise.reject(error);
      }
      running.then(
        (values) => settle(batch, { ok: true, values }),
        (error: unknown) => settle(batch, { ok: false, error }),
      ).finally(() => {
        inFlight--;
        schedule();
      });
    }
  }

  return {
    load: (item) =>
      new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        schedule();
      }),
    stats,
  };
}
