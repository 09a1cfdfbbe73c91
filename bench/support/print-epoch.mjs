// Preloaded into the bench server (BENCH_SERVER_FLAGS='--trace-gc --import ./bench/support/print-epoch.mjs'):
// prints the wall-clock time --trace-gc's "N ms" count from, so bench/passkey-signin/tail.ts can place each GC pause.
import { performance } from 'node:perf_hooks';

console.log(`EPOCH ${performance.timeOrigin}`);
