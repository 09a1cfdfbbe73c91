import { describe, expect, it } from 'vitest';
import { parseAuditFilter } from '../../src/audit/filter.ts';
import { ApiError } from '../../src/errors.ts';

describe('directoryAudits $filter parser', () => {
  it('parses every form Graph documents for directoryAudits', () => {
    expect(parseAuditFilter('activityDateTime ge 2026-01-01T00:00:00Z and activityDateTime le 2026-02-01')).toEqual([
      { field: 'activityDateTime', op: 'ge', value: new Date('2026-01-01T00:00:00Z') },
      { field: 'activityDateTime', op: 'le', value: new Date('2026-02-01T00:00:00Z') },
    ]);
    expect(parseAuditFilter("category eq 'UserManagement'")).toEqual([{ field: 'category', op: 'eq', value: 'UserManagement' }]);
    expect(parseAuditFilter("startswith(activityDisplayName, 'Add')")).toEqual([
      { field: 'activityDisplayName', op: 'startswith', value: 'Add' },
    ]);
    expect(parseAuditFilter("activityDisplayName eq 'Add member to group'")[0]).toMatchObject({ op: 'eq', value: 'Add member to group' });
    expect(parseAuditFilter("correlationId eq 'abc'")[0]).toMatchObject({ field: 'correlationId' });
    expect(parseAuditFilter("initiatedBy/user/id eq '42'")[0]).toMatchObject({ field: 'initiatedByUserId', value: '42' });
    expect(parseAuditFilter("startswith(initiatedBy/user/userPrincipalName, 'ada@')")[0]).toMatchObject({
      field: 'initiatedByUserPrincipalName',
      op: 'startswith',
    });
    expect(parseAuditFilter("initiatedBy/app/appId eq 'app'")[0]).toMatchObject({ field: 'initiatedByAppId' });
    expect(parseAuditFilter("targetResources/any(t: t/id eq 'u1')")).toEqual([{ field: 'targetResourceId', op: 'eq', value: 'u1' }]);
    expect(parseAuditFilter("targetResources/any(x:x/displayName eq 'G')")[0]).toMatchObject({
      field: 'targetResourceDisplayName',
      op: 'eq',
    });
    expect(parseAuditFilter("targetResources/any(t: startswith(t/displayName, 'Fin'))")[0]).toMatchObject({
      field: 'targetResourceDisplayName',
      op: 'startswith',
      value: 'Fin',
    });
  });

  it('is case-insensitive on keywords and properties, and unescapes doubled quotes', () => {
    expect(parseAuditFilter("(Category EQ 'O''Brien') AND result eq 'failure'")).toEqual([
      { field: 'category', op: 'eq', value: "O'Brien" },
      { field: 'result', op: 'eq', value: 'failure' },
    ]);
  });

  it("accepts the Control Center's audit filter as it builds it (packages/web/src/api/audit.ts)", () => {
    const text = "activityDateTime ge 2026-11-30T01:00:00.000Z and category eq 'UserManagement' and startswith(activityDisplayName,'Add') and result eq 'success'";
    expect(parseAuditFilter(text)).toEqual([
      { field: 'activityDateTime', op: 'ge', value: new Date('2026-11-30T01:00:00.000Z') },
      { field: 'category', op: 'eq', value: 'UserManagement' },
      { field: 'activityDisplayName', op: 'startswith', value: 'Add' },
      { field: 'result', op: 'eq', value: 'success' },
    ]);
  });

  it('keeps "and" inside a string literal', () => {
    expect(parseAuditFilter("activityDisplayName eq 'Add and remove'")).toEqual([
      { field: 'activityDisplayName', op: 'eq', value: 'Add and remove' },
    ]);
  });

  const bad: Array<[string, string]> = [
    ['', 'Request_BadRequest'],
    ['category', 'Request_BadRequest'],
    ["category eq 'a' or category eq 'b'", 'Request_UnsupportedQuery'],
    ["not category eq 'a'", 'Request_UnsupportedQuery'],
    ["category ne 'a'", 'Request_BadRequest'],
    ["category ge 'a'", 'Request_UnsupportedQuery'],
    ["startswith(category, 'U')", 'Request_UnsupportedQuery'],
    ["password eq 'x'", 'Request_UnsupportedQuery'],
    ["activityDateTime ge '2026-01-01'", 'Request_BadRequest'],
    ['activityDateTime ge 2026-13-45T99:99:99Z', 'Request_BadRequest'],
    ["category eq 'unterminated", 'Request_BadRequest'],
    ["(category eq 'a'", 'Request_BadRequest'],
    ["category eq 'a')", 'Request_BadRequest'],
    ["result eq 'maybe'", 'Request_BadRequest'],
    ['category eq UserManagement', 'Request_BadRequest'],
    ["targetResources/any(t: s/id eq 'x')", 'Request_BadRequest'],
    ["targetResources/any(t: t/type eq 'User')", 'Request_UnsupportedQuery'],
    ["category eq 'a\u0000'", 'Request_BadRequest'],
    ['x'.repeat(2001), 'Request_BadRequest'],
    [Array.from({ length: 21 }, () => "category eq 'a'").join(' and '), 'Request_BadRequest'],
  ];
  it.each(bad)('rejects %j with a 400 (%s)', (text, code) => {
    let caught: unknown;
    try {
      parseAuditFilter(text);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ApiError);
    expect((caught as ApiError).status).toBe(400);
    expect((caught as ApiError).code).toBe(code);
  });
});
