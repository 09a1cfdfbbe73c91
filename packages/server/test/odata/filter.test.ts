import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseFilter, formatFilter, type FilterExpr, type FilterFields } from '../../src/odata/filter.ts';
import { parseODataQuery, encodeSkipToken, decodeSkipToken, parseTop } from '../../src/odata/query.ts';
import { ApiError } from '../../src/errors.ts';
import { USERS_RESOURCE } from '../../src/directory/filters.ts';

const FIELDS: FilterFields = USERS_RESOURCE.filterable;
const parse = (t: string) => parseFilter(t, FIELDS, 'users');

/** Random well-formed filters over the users allowlist. */
const stringField = fc.constantFrom('displayName', 'userPrincipalName', 'mail', 'department');
const text = fc.string({ maxLength: 12 }).filter((s) => !s.includes('\0') && s.isWellFormed());
const leaf: fc.Arbitrary<FilterExpr> = fc.oneof(
  fc.record({ kind: fc.constant('eq' as const), field: stringField, value: text }),
  fc.record({ kind: fc.constant('startswith' as const), field: stringField, value: text }),
  fc.record({ kind: fc.constant('eq' as const), field: fc.constant('accountEnabled'), value: fc.boolean() }),
  fc.record({ kind: fc.constant('eq' as const), field: fc.constantFrom('jobTitle', 'mail'), value: fc.constant(null) }),
);
const expr: fc.Arbitrary<FilterExpr> = fc.letrec<{ e: FilterExpr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('e'), right: tie('e') }),
  ),
})).e;

describe('OData $filter parser', () => {
  it('parses the documented forms', () => {
    expect(parse("displayName eq 'Ann'")).toEqual({ kind: 'eq', field: 'displayName', value: 'Ann' });
    expect(parse("startswith(userPrincipalName,'ann')")).toEqual({ kind: 'startswith', field: 'userPrincipalName', value: 'ann' });
    expect(parse("DISPLAYNAME EQ 'it''s'")).toEqual({ kind: 'eq', field: 'displayName', value: "it's" });
    expect(parse('accountEnabled eq false')).toEqual({ kind: 'eq', field: 'accountEnabled', value: false });
  });

  it('gives and precedence over or, and honours parentheses', () => {
    const a = "displayName eq 'a'";
    const b = "displayName eq 'b'";
    const c = "displayName eq 'c'";
    expect(formatFilter(parse(`${a} or ${b} and ${c}`))).toBe(`(${a} or (${b} and ${c}))`);
    expect(formatFilter(parse(`(${a} or ${b}) and ${c}`))).toBe(`((${a} or ${b}) and ${c})`);
  });

  it('names the position of a syntax error', () => {
    expect(() => parse("displayName eq 'a' and (mail eq 'b'")).toThrow(/expected '\)' at position 36/);
    expect(() => parse("displayName eq 'a' 'b'")).toThrow(/unexpected 'b' at position 20/);
  });

  it('round-trips every generated expression through text', () => {
    fc.assert(
      fc.property(expr, (e) => {
        expect(parse(formatFilter(e))).toEqual(e);
      }),
      { numRuns: 300 },
    );
  });

  it('accepts random whitespace and keyword case', () => {
    fc.assert(
      fc.property(expr, fc.constantFrom(' ', '  ', '\t'), fc.boolean(), (e, ws, upper) => {
        // Only outside string literals (even segments between quotes; '' escapes keep the parity).
        const t = formatFilter(e)
          .split("'")
          .map((seg, i) => (i % 2 ? seg : (upper ? seg.replace(/\b(and|or|eq)\b/g, (m) => m.toUpperCase()) : seg).replaceAll(' ', ws)))
          .join("'");
        expect(parse(t)).toEqual(e);
      }),
      { numRuns: 200 },
    );
  });

  it('answers any input with an expression or a 400 ApiError, never another exception', () => {
    const pieces = fc.constantFrom(
      'displayName',
      'eq',
      'and',
      'or',
      'not',
      '(',
      ')',
      ',',
      "'x'",
      "'",
      'startswith',
      'true',
      'null',
      'mail',
      'zz',
      ' ',
      '$',
      '0',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 60 }),
          fc.array(pieces, { maxLength: 25 }).map((a) => a.join(' ')),
        ),
        (t) => {
          try {
            parse(t);
          } catch (err) {
            expect(err).toBeInstanceOf(ApiError);
            expect((err as ApiError).status).toBe(400);
            expect(['Request_BadRequest', 'Request_UnsupportedQuery']).toContain((err as ApiError).code);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('bounds length, depth and term count', () => {
    expect(() => parse(`displayName eq '${'x'.repeat(2100)}'`)).toThrow(/longer than/);
    expect(() => parse(`${'('.repeat(40)}displayName eq 'x'${')'.repeat(40)}`)).toThrow(/deeper/);
    expect(() => parse(Array.from({ length: 60 }, () => "mail eq 'x'").join(' or '))).toThrow(/terms/);
  });
});

describe('OData query options', () => {
  it('parses $top with the Graph default and maximum', () => {
    expect(parseTop(undefined)).toBe(100);
    expect(parseTop('999')).toBe(999);
    expect(() => parseTop('1000')).toThrow(ApiError);
  });

  it('round-trips skiptokens and rejects forged ones', () => {
    fc.assert(
      fc.property(fc.uuid(), (id) => {
        expect(decodeSkipToken(encodeSkipToken(id))).toBe(id.toLowerCase());
      }),
    );
    expect(() => decodeSkipToken(Buffer.from('k.1; drop table users').toString('base64url'))).toThrow(ApiError);
  });

  it('canonicalises $select names and always keeps id', () => {
    expect(parseODataQuery({ $select: 'DISPLAYNAME, mail' }, USERS_RESOURCE).select).toEqual(['id', 'displayName', 'mail']);
  });
});
