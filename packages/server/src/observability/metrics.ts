import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { microBatchTotals } from '../store/micro-batch.ts';

export interface Metrics {
  registry: Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
}

/** Prometheus metrics: process defaults plus HTTP request counts and latencies by route template. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'latchkey_' });
  const requests = new Counter({ name: 'latchkey_http_requests_total', help: 'HTTP requests by route template, method and status class.', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const latency = new Histogram({
    name: 'latchkey_http_request_duration_seconds',
    help: 'HTTP request latency by route template.',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  // Statements gathered across concurrent requests (store/micro-batch.ts, ADR 0013): items / batches is the mean batch size.
  for (const [metric, field, help] of [
    ['latchkey_db_batches_total', 'batches', 'Batched statements run, by statement.'],
    ['latchkey_db_batch_items_total', 'items', 'Calls served by batched statements, by statement.'],
  ] as const) {
    new Counter({
      name: metric,
      help,
      labelNames: ['statement'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [statement, t] of microBatchTotals()) this.inc({ statement }, t[field]);
      },
    });
  }
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      requests.inc({ method, route, status: `${Math.floor(status / 100)}xx` });
      latency.observe({ method, route }, seconds);
    },
  };
}
