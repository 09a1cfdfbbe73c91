import type { Runtime } from '../runtime.ts';

/**
 * An operation the CLI can perform. Each op runs in-process against the store when the CLI can
 * open it, or — when a live server holds the embedded database — inside that server through the
 * control socket (`control.ts`). Same code either way, so `latchkey users list` beside a running
 * server behaves exactly like without one.
 */
export interface Op<A = Record<string, unknown>, R = unknown> {
  name: string;
  run(rt: Runtime, args: A): Promise<R>;
}

const registry = new Map<string, Op<any, any>>();

export function defineOp<A, R>(op: Op<A, R>): Op<A, R> {
  registry.set(op.name, op);
  return op;
}

export function findOp(name: string): Op<any, any> | undefined {
  return registry.get(name);
}

export function allOps(): string[] {
  return [...registry.keys()].sort();
}
