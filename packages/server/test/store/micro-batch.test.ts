import { describe, expect, it } from 'vitest';
import { microBatch } from '../../src/store/micro-batch.ts';

/** A run function whose batches the test releases by hand. */
function gate<I>() {
  const batches: Array<{ items: readonly I[]; release(values?: readonly unknown[]): void; fail(e: unknown): void }> = [];
  const run = (items: readonly I[]) =>
    new Promise<readonly unknown[]>((resolve, reject) => {
      batches.push({ items, release: (values) => resolve(values ?? items.map((i) => `done:${String(i)}`)), fail: reject });
    });
  return { batches, run };
}

/** One event-loop turn's check phase, where a batch leaves. */
const turn = () => new Promise((r) => setImmediate(r));
/**
 * Until the batches a test just made possible have left: a release settles its batch in
 * microtasks, which schedule the next flush for the check phase after the one `turn` waits for.
 */
const tick = async () => {
  await turn();
  await turn();
};

describe('microBatch', () => {
  it('a lone call runs at once, in a batch of its own', async () => {
    const g = gate<string>();
    const b = microBatch({ name: 'test', run: g.run, maxBatch: 10, maxInFlight: 1 });
    const p = b.load('a');
    await tick();
    expect(g.batches.map((x) => x.items)).toEqual([['a']]);
    g.batches[0]!.release();
    expect(await p).toBe('done:a');
  });

  it('calls made while the batches in flight run leave together, each getting its own outcome', async () => {
    const g = gate<string>();
    const b = microBatch({ name: 'test', run: g.run, maxBatch: 10, maxInFlight: 1 });
    const first = b.load('a');
    await tick();
    const rest = ['b', 'c', 'd'].map((x) => b.load(x));
    await tick();
    expect(g.batches).toHaveLength(1); // the slot is taken
    g.batches[0]!.release();
    await tick();
    expect(g.batches.map((x) => x.items)).toEqual([['a'], ['b', 'c', 'd']]);
    g.batches[1]!.release(['B', 'C', 'D']);
    expect(await first).toBe('done:a');
    expect(await Promise.all(rest)).toEqual(['B', 'C', 'D']);
    expect(b.stats).toEqual({ batches: 2, items: 4, largest: 3 });
  });

  it('calls from separate callbacks of one event-loop turn leave together (a burst of requests is one batch)', async () => {
    const g = gate<string>();
    const b = microBatch({ name: 'test', run: g.run, maxBatch: 10, maxInFlight: 1 });
    // Two callbacks of one check phase, like two requests read in one poll phase: the first call must
    // not leave alone and hold the only slot while the second waits a whole round trip behind it.
    const calls = await new Promise<Promise<unknown>[]>((resolve) => {
      const made: Promise<unknown>[] = [];
      setImmediate(() => made.push(b.load('a')));
      setImmediate(() => resolve([...made, b.load('b')]));
    });
    await tick();
    expect(g.batches.map((x) => x.items)).toEqual([['a', 'b']]);
    g.batches[0]!.release();
    expect(await Promise.all(calls)).toEqual(['done:a', 'done:b']);
  });

  it('respects maxBatch and maxInFlight', async () => {
    const g = gate<number>();
    const b = microBatch({ name: 'test', run: g.run, maxBatch: 2, maxInFlight: 2 });
    const all = [1, 2, 3, 4, 5, 6, 7].map((x) => b.load(x));
    await tick();
    expect(g.batches.map((x) => x.items)).toEqual([[1, 2], [3, 4]]);
    g.batches[0]!.release();
    await tick();
    expect(g.batches.map((x) => x.items)).toEqual([[1, 2], [3, 4], [5, 6]]);
    g.batches[1]!.release();
    g.batches[2]!.release();
    await tick();
    g.batches[3]!.release();
    expect(await Promise.all(all)).toEqual([1, 2, 3, 4, 5, 6, 7].map((x) => `done:${x}`));
  });

  it('items with the same key never share a batch; the later one keeps its place for the next', async () => {
    const g = gate<{ id: string; n: number }>();
    const b = microBatch({ name: 'test', run: g.run, maxBatch: 10, maxInFlight: 1, keyOf: (i) => i.id });
    const all = [
      { id: 'x', n: 1 },
      { id: 'y', n: 2 },
      { id: 'x', n: 3 },
      { id: 'x', n: 4 },
    ].map((i) => b.load(i));
    await tick();
    expect(g.batches[0]!.items.map((i) => i.n)).toEqual([1, 2]);
    g.batches[0]!.release();
    await tick();
    expect(g.batches[1]!.items.map((i) => i.n)).toEqual([3]);
    g.batches[1]!.release();
    await tick();
    expect(g.batches[2]!.items.map((i) => i.n)).toEqual([4]);
    g.batches[2]!.release();
    expect(await Promise.all(all)).toHaveLength(4);
  });

  it('a failed batch rejects every call in it, and the next batch still runs', async () => {
    const g = gate<string>();
    const b = microBatch({ name: 'test', run: g.run, maxBatch: 10, maxInFlight: 1 });
    const first = b.load('a');
    await tick();
    const second = b.load('b');
    const boom = new Error('connection lost');
    g.batches[0]!.fail(boom);
    await expect(first).rejects.toBe(boom);
    await tick();
    g.batches[1]!.release();
    expect(await second).toBe('done:b');
  });

  it('a run that throws synchronously or returns the wrong number of outcomes rejects its callers', async () => {
    const throwing = microBatch<string, string>({
      name: 'test',
      run: () => {
        throw new Error('sync');
      },
      maxBatch: 5,
      maxInFlight: 1,
    });
    await expect(throwing.load('a')).rejects.toThrow('sync');
    const short = microBatch<string, string>({ name: 'test', run: async () => ['only one'], maxBatch: 5, maxInFlight: 1 });
    const both = [short.load('a'), short.load('b')];
    await expect(both[0]).rejects.toThrow('a batch of 2 returned 1 outcomes');
    await expect(both[1]).rejects.toThrow('a batch of 2 returned 1 outcomes');
  });

  it('refuses a limit below one', () => {
    expect(() => microBatch({ name: 'test', run: async () => [], maxBatch: 0, maxInFlight: 1 })).toThrow(RangeError);
  });
});
