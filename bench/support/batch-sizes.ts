/** Mean batch size of each batched statement (`/metrics`, ADR 0013) over a phase: call before, and call the result after. */
export async function batchSizes(url: string): Promise<() => Promise<string>> {
  const read = async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const out = new Map<string, { batches: number; items: number }>();
    for (const m of text.matchAll(/^latchkey_db_(batches|batch_items)_total\{statement="([^"]+)"\} (\d+)$/gm)) {
      const e = out.get(m[2]!) ?? { batches: 0, items: 0 };
      e[m[1] === 'batches' ? 'batches' : 'items'] = Number(m[3]);
      out.set(m[2]!, e);
    }
    return out;
  };
  const before = await read();
  return async () => {
    const after = await read();
    return [...after]
      .map(([name, a]) => {
        const b = before.get(name) ?? { batches: 0, items: 0 };
        const batches = a.batches - b.batches;
        return batches > 0 ? `${name} ${((a.items - b.items) / batches).toFixed(1)}` : '';
      })
      .filter(Boolean)
      .join(', ');
  };
}
