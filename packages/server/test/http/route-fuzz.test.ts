import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'kysely';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The "bad input" contract, for every operation in /openapi.json (so routes added later are
 * covered without touching this file): malformed and random bodies, path and query parameters,
 * sent with a valid Global Administrator token, must give
 *   - never a 5xx, and the process keeps answering /healthz;
 *   - a 4xx with {"error":{"code","message"}} whenever the input is invalid by construction
 *     (bodies that break the documented schema), or a documented 2xx when random input happened
 *     to be acceptable (e.g. an unknown query parameter on a GET);
 *   - no row changed in any table by a rejected request (row count + hash of every table).
 *
 * Deterministic: seed from LATCHKEY_FUZZ_SEED (default below). Runs per route adapt to a request
 * budget per backend (LATCHKEY_FUZZ_BUDGET, default 700; 6 to 30 runs per route) so the file stays
 * near half a minute per backend as routes are added. For a deep run:
 *   LATCHKEY_FUZZ_SEED=$RANDOM LATCHKEY_FUZZ_BUDGET=5000 npx vitest run packages/server/test/http/route-fuzz.test.ts
 */
const SEED = Number(process.env.LATCHKEY_FUZZ_SEED ?? 20261130);
const REQUEST_BUDGET = Number(process.env.LATCHKEY_FUZZ_BUDGET ?? 700);

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  maxLength?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: boolean | Schema;
  format?: string;
};
interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body: Schema | undefined;
  responses: string[];
}
interface Case {
  url: string;
  method: string;
  body?: string;
  contentType?: string;
  /** Why the input is invalid by construction (then only a 4xx is acceptable), or null. */
  mustReject: string | null;
}

function operationsOf(doc: {
  paths: Record<
    string,
    Record<
      string,
      { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> }; responses?: Record<string, unknown> }
    >
  >;
}): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      ops.push({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
        responses: Object.keys(op.responses ?? {}),
      });
    }
  }
  return ops;
}

// ---- generators -------------------------------------------------------------------------------

/** Sent verbatim in the URL (bad or sneaky percent-encoding); everything else is percent-encoded. */
const RAW = ['..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f', '%', '%zz', '%ED%A0%80', '%C0%AF', '%00', '%FF%FE'];
const enc = (v: unknown): string => (RAW.includes(String(v)) ? String(v) : encodeURIComponent(String(v).toWellFormed()));
const nasty = fc.constantFrom(
  ...RAW,
  '../',
  "'; drop table users; --",
  '<script>alert(1)</script>',
  '\u202e\u0000x',
  '\ud800',
  'null',
  '-1',
  '0',
  '1e309',
  '{}',
  '[]',
  ' ',
  '$ref',
  '🙂'.repeat(50),
);
const randomText = fc.oneof(
  { weight: 16, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 12, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 8, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 16, arbitrary: nasty },
  // Long: past the 500-character path segment limit, and (rarely) past Node's 16 KiB request line.
  { weight: 3, arbitrary: fc.integer({ min: 501, max: 4000 }).map((n) => 'a'.repeat(n)) },
  { weight: 1, arbitrary: fc.constant('a'.repeat(20_000)) },
);
const pathValue = (existing: string[]) =>
  fc.oneof(
    { weight: 5, arbitrary: randomText },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: existing.length ? fc.constantFrom(...existing) : fc.uuid() },
  );
const filterValue = fc.oneof(
  randomText,
  fc.constantFrom(
    "displayName eq 'x' or",
    "startswith(displayName,'a'",
    "id eq '",
    'userPrincipalName eq 1',
    "any(x: x eq 'y')",
    'not not not',
    '((((((((((',
    "accountEnabled eq 'yes'",
    'createdDateTime ge 2026-99-99',
    "category eq 'UserManagement' and",
    ')',
    "$filter=displayName eq 'a'",
  ),
);
const queryValue = (name: string) =>
  name === '$filter'
    ? filterValue
    : name === '$top'
      ? fc.oneof(fc.integer({ min: -5, max: 100_000 }).map(String), randomText)
      : name === '$select'
        ? fc.oneof(randomText, fc.constantFrom('id,,', 'password', '*', 'id,displayName,nope'))
        : randomText;

/** A JSON value that violates `s` for sure (null when no such value can be derived safely). */
function violating(s: Schema): fc.Arbitrary<unknown> | null {
  if (s.anyOf || s.oneOf || s.allOf || Array.isArray(s.type)) return null;
  if (s.enum)
    return fc
      .string({ minLength: 1, maxLength: 20 })
      .map((x) => `\u00a7${x}`)
      .filter((x) => !s.enum!.includes(x));
  if (s.const !== undefined) return fc.constant(typeof s.const === 'string' ? `${s.const}\u00a7` : '\u00a7');
  switch (s.type) {
    case 'string':
      return s.maxLength !== undefined && s.maxLength < 10_000
        ? fc.oneof(
            fc.constant('x'.repeat(s.maxLength + 1)),
            fc.integer(),
            fc.boolean(),
            fc.array(fc.string(), { maxLength: 3 }),
            fc.object({ maxDepth: 1 }),
          )
        : fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 1 }));
    case 'integer':
    case 'number':
      return fc.oneof(
        fc.string({ maxLength: 10 }).map((x) => `x${x}`),
        fc.boolean(),
        fc.object({ maxDepth: 1 }),
        fc.array(fc.integer(), { minLength: 1, maxLength: 3 }),
      );
    case 'boolean':
      return fc.oneof(
        fc.integer({ min: 2 }),
        fc.string({ maxLength: 10 }).map((x) => `x${x}`),
        fc.object({ maxDepth: 1 }),
      );
    case 'array':
      return fc.oneof(
        fc.string().map((x) => `x${x}`),
        fc.integer(),
        fc.object({ maxDepth: 1 }),
      );
    case 'object':
      return fc.oneof(
        fc.string().map((x) => `x${x}`),
        fc.integer(),
        fc.array(fc.integer(), { maxLength: 3 }),
      );
    default:
      return null;
  }
}

/** Bodies that break the schema: wrong top-level type, malformed JSON, a missing required field, a wrong-typed property. */
function invalidBody(schema: Schema): fc.Arbitrary<{ text: string; why: string }> {
  const options: Array<fc.Arbitrary<{ text: string; why: string }>> = [
    fc.string({ maxLength: 30 }).map((x) => ({ text: `{"${x}`, why: 'malformed JSON' })),
    fc.constantFrom('{', '[1,', '{"a":}', '{"a" 1}', 'nul', "{'a':1}", '\u0000').map((text) => ({ text, why: 'malformed JSON' })),
  ];
  if (schema.type === 'object') {
    options.push(
      fc
        .oneof(fc.integer(), fc.string(), fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }), fc.constant(null))
        .map((v) => ({ text: JSON.stringify(v), why: 'not an object' })),
    );
    if (schema.required?.length) options.push(fc.constant({ text: '{}', why: `missing required ${schema.required.join(', ')}` }));
    const typed = Object.entries(schema.properties ?? {}).flatMap(([name, p]) => {
      const v = violating(p);
      return v ? [v.map((value) => ({ text: JSON.stringify({ [name]: value }), why: `${name} breaks its schema` }))] : [];
    });
    if (typed.length) options.push(fc.oneof(...typed));
  }
  return fc.oneof(...options);
}

/** A value that roughly fits `s` (types, enums, lengths) with random content: reaches the handlers. */
function fitting(s: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!s || depth > 4) return fc.constant(null);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((a) => fitting(a, depth + 1)));
  if (s.allOf?.length) return fitting(s.allOf[0], depth + 1);
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  if (s.const !== undefined) return fc.constant(s.const);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'string':
      if (s.format === 'uuid') return fc.uuid();
      if (s.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      return fc.oneof(
        fc.string({ maxLength: Math.min(s.maxLength ?? 40, 40) }),
        fc.uuid(),
        fc.constantFrom('a@b.example', 'x', '00000000-0000-0000-0000-000000000000'),
      );
    case 'integer':
      return fc.integer({ min: -2, max: 1000 });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: -10, max: 1000 });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(fitting((s as { items?: Schema }).items, depth + 1), { maxLength: 3 });
    case 'object': {
      const props = Object.entries(s.properties ?? {});
      const required = new Set(s.required ?? []);
      return fc.record(Object.fromEntries(props.map(([k, v]) => [k, fitting(v, depth + 1)])), {
        requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)),
      });
    }
    default:
      return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean());
  }
}

function casesFor(op: Operation, runs: number, existingIds: string[], seed: number): Case[] {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
  const extraQuery = ['$filter', '$top', '$select', '$skiptoken', '$count', '$orderby', '$expand', '$search', 'x'];
  const ids = op.method === 'GET' ? existingIds : []; // never change or delete real objects (the admin!)
  const arb = fc.record({
    params: fc.tuple(...pathParams.map(() => pathValue(ids))),
    query: fc
      .dictionary(fc.constantFrom(...queryParams, ...extraQuery), fc.constant(null), { maxKeys: 3 })
      .chain((keys) => fc.record(Object.fromEntries(Object.keys(keys).map((k) => [k, queryValue(k)])))),
    // Two in three bodies break the schema (must be rejected); the rest fit it with random content,
    // so handlers run too (unknown ids, conflicts) and must still reject without writing.
    body: op.body
      ? fc.oneof(
          { weight: 2, arbitrary: invalidBody(op.body) },
          { weight: 1, arbitrary: fitting(op.body).map((v) => ({ text: JSON.stringify(v) ?? 'null', why: '' })) },
        )
      : ['POST', 'PUT', 'PATCH'].includes(op.method)
        ? // No documented body: random JSON must be ignored or refused, never crash the route.
          fc.option(
            fc.jsonValue({ maxDepth: 2 }).map((v) => ({ text: JSON.stringify(v), why: '' })),
            { nil: null },
          )
        : fc.constant(null),
    wrongType: fc.integer({ min: 0, max: 9 }),
  });
  return fc.sample(arb, { numRuns: runs, seed }).map(({ params, query, body, wrongType }) => {
    let url = op.path;
    pathParams.forEach((p, i) => (url = url.replace(`{${p.name}}`, enc(params[i]))));
    const qs = Object.entries(query)
      .map(([k, v]) => `${enc(k)}=${enc(v)}`)
      .join('&');
    if (qs) url += `?${qs}`;
    if (!body) return { url, method: op.method, mustReject: null };
    const contentType = wrongType === 0 ? 'application/xml' : 'application/json';
    return {
      url,
      method: op.method,
      body: body.text,
      contentType,
      mustReject: wrongType === 0 ? 'content type is not JSON' : body.why || null,
    };
  });
}

/** Messages of `fromDatabaseError` (src/http/errors.ts): input only the database refused. */
const DB_SAFETY_NET = [
  'A value in the request is not valid for its field.',
  'Another object already uses a value',
  'The request refers to an object that does not exist.',
  'A required value is missing or not allowed.',
];

// ---- the database snapshot --------------------------------------------------------------------

/**
 * Tables that record requests by design, refused ones included, and are left out of the
 * "a rejected request changes nothing" check: the cluster rate limits' spend (ADR 0015). A refused
 * request still counts against its client's limit, and a node publishes that about once a second
 * from a timer, whichever request happens to be in flight.
 */
const BOOKKEEPING_TABLES = new Set(['rate_limit_spend']);

async function snapshot(server: TestServer): Promise<Map<string, string>> {
  const db = server.runtime.store.db;
  const tables = (
    await sql<{
      name: string;
    }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'latchkey_migration%' order by 1`.execute(
      db,
    )
  )
    .rows.map((r) => r.name)
    .filter((t) => !BOOKKEEPING_TABLES.has(t));
  const parts = tables.map(
    (t) =>
      sql`select ${t}::text as t, count(*)::int as n, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as h from ${sql.table(t)} as x`,
  );
  if (!parts.length) return new Map();
  const rows = (await sql<{ t: string; n: number; h: string }>`${sql.join(parts, sql` union all `)}`.execute(db)).rows;
  return new Map(rows.map((r) => [r.t, `${r.n}:${r.h}`]));
}

function diff(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].filter((t) => a.get(t) !== b.get(t));
}

// ---- the test ---------------------------------------------------------------------------------

for (const kind of STORE_KINDS) {
  describe(`route fuzz over /openapi.json [${kind}]`, () => {
    let server: TestServer;
    let token: string;
    beforeAll(async () => {
      server = await startTestServer(kind);
      token = await server.token();
    });
    afterAll(async () => server?.close());

    it(
      'answers malformed input to every operation with a 4xx error shape, never a 5xx, and changes nothing',
      { timeout: 120_000 },
      async () => {
        const doc = await (await fetch(`${server.url}/openapi.json`)).json();
        const ops = operationsOf(doc);
        expect(ops.length).toBeGreaterThan(0);
        expect(ops.some((o) => o.path === '/api/v1/auditLogs/directoryAudits')).toBe(true);
        const runs = Math.max(6, Math.min(30, Math.floor(REQUEST_BUDGET / ops.length)));
        const existingIds = (await sql<{ id: string }>`select id::text as id from users limit 3`.execute(server.runtime.store.db)).rows.map(
          (r) => r.id,
        );

        const failures: string[] = [];
        let sent = 0;
        let rejected = 0;
        // The token must work, or every request would be a 401 and the test would prove nothing.
        expect(
          (await fetch(`${server.url}/api/v1/auditLogs/directoryAudits?$top=1`, { headers: { authorization: `Bearer ${token}` } })).status,
        ).toBe(200);
        const statuses = new Map<number, number>();
        let current = await snapshot(server);
        const safetyNet = new Set<string>();
        for (const [index, op] of ops.entries()) {
          for (const c of casesFor(op, runs, existingIds, SEED + index)) {
            const before = current;
            const res = await fetch(server.url + c.url, {
              method: c.method,
              headers: { authorization: `Bearer ${token}`, ...(c.body === undefined ? {} : { 'content-type': c.contentType! }) },
              ...(c.body === undefined ? {} : { body: c.body }),
            });
            const text = await res.text();
            sent++;
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            const label = `${op.method} ${op.path} → ${res.status} for ${c.method} ${c.url.slice(0, 160)}${c.body === undefined ? '' : ` body ${c.body.slice(0, 120)}`}`;
            let body: { error?: { code?: unknown; message?: unknown } } | undefined;
            try {
              body = JSON.parse(text);
            } catch {
              body = undefined;
            }
            current = await snapshot(server);
            if (res.status >= 400) {
              rejected++;
              if (res.status >= 500) failures.push(`5xx: ${label}: ${text.slice(0, 200)}`);
              if (typeof body?.error?.code !== 'string' || typeof body.error.message !== 'string')
                failures.push(`error shape: ${label}: ${text.slice(0, 200)}`);
              const message = String(body?.error?.message ?? '');
              if (DB_SAFETY_NET.some((m) => message.startsWith(m))) safetyNet.add(`${op.method} ${op.path}: ${message}`);
              const changed = diff(before, current);
              if (changed.length) failures.push(`rows changed by a rejected request (${changed.join(', ')}): ${label}`);
            } else if (c.mustReject) failures.push(`accepted invalid input (${c.mustReject}): ${label}`);
            else if (!op.responses.some((r) => r === String(res.status) || r === `${String(res.status)[0]}XX` || r === 'default'))
              failures.push(`undocumented status: ${label}`);
            if (failures.length >= 40) break;
          }
          if (failures.length >= 40) break;
        }
        const histogram = [...statuses]
          .sort(([a], [b]) => a - b)
          .map(([k, v]) => `${k}×${v}`)
          .join(' ');
        console.info(
          `route fuzz [${kind}]: ${ops.length} operations × ${runs} runs, ${sent} requests, ${rejected} rejected, seed ${SEED}; ${histogram}`,
        );
        // Not failures (the client got a proper 4xx), but each is a check the route should make itself.
        if (safetyNet.size)
          console.info(`route fuzz [${kind}]: rejected by the database, not by the route:\n  ${[...safetyNet].join('\n  ')}`);
        expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
        expect(failures, `seed ${SEED}, ${ops.length} operations, ${runs} runs each:\n${failures.join('\n')}`).toEqual([]);
        expect(sent).toBeGreaterThanOrEqual(ops.length * 6);
        expect(rejected).toBeGreaterThan(0);
        expect((statuses.get(401) ?? 0) + (statuses.get(403) ?? 0), 'most requests must get past authentication').toBeLessThan(sent / 10);
      },
    );
  });
}
