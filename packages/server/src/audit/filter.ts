import { ApiError } from '../errors.ts';

/**
 * The `$filter` forms Graph documents for `GET /auditLogs/directoryAudits` (Graph
 * `resources/directoryaudit.md`, "Supports $filter" per property), and only those:
 *
 *   activityDateTime eq|ge|le|gt|lt 2026-01-01T00:00:00Z        (unquoted date-time)
 *   activityDisplayName eq '…'   startswith(activityDisplayName, '…')
 *   id | category | result | correlationId | loggedByService | operationType eq '…'
 *   initiatedBy/user/id | initiatedBy/user/displayName | initiatedBy/app/appId | initiatedBy/app/displayName eq '…'
 *   initiatedBy/user/userPrincipalName eq '…'   startswith(initiatedBy/user/userPrincipalName, '…')
 *   targetResources/any(t: t/id eq '…')   targetResources/any(t: t/displayName eq '…')
 *   targetResources/any(t: startswith(t/displayName, '…'))
 *
 * joined with `and`. Anything else is a 400, never a guess. Deliberately small and local to the
 * audit module (the generic OData parser lives in src/odata/; the lead may unify them later).
 */
export type AuditFilterField =
  | 'id'
  | 'category'
  | 'activityDisplayName'
  | 'result'
  | 'correlationId'
  | 'loggedByService'
  | 'operationType'
  | 'initiatedByUserId'
  | 'initiatedByUserDisplayName'
  | 'initiatedByUserPrincipalName'
  | 'initiatedByAppId'
  | 'initiatedByAppDisplayName'
  | 'targetResourceId'
  | 'targetResourceDisplayName';

export type AuditCondition =
  | { field: 'activityDateTime'; op: 'eq' | 'ge' | 'le' | 'gt' | 'lt'; value: Date }
  | { field: AuditFilterField; op: 'eq' | 'startswith'; value: string };

export const MAX_FILTER_LENGTH = 2000;
const MAX_CLAUSES = 20;
/** Graph's operationResult enum. */
const RESULTS = ['success', 'failure', 'timeout'];

/** Property path (lower case) → field, and whether `startswith` is allowed on it. */
const STRING_FIELDS: Record<string, { field: AuditFilterField; startswith: boolean }> = {
  id: { field: 'id', startswith: false },
  category: { field: 'category', startswith: false },
  activitydisplayname: { field: 'activityDisplayName', startswith: true },
  result: { field: 'result', startswith: false },
  correlationid: { field: 'correlationId', startswith: false },
  loggedbyservice: { field: 'loggedByService', startswith: false },
  operationtype: { field: 'operationType', startswith: false },
  'initiatedby/user/id': { field: 'initiatedByUserId', startswith: false },
  'initiatedby/user/displayname': { field: 'initiatedByUserDisplayName', startswith: false },
  'initiatedby/user/userprincipalname': { field: 'initiatedByUserPrincipalName', startswith: true },
  'initiatedby/app/appid': { field: 'initiatedByAppId', startswith: false },
  'initiatedby/app/displayname': { field: 'initiatedByAppDisplayName', startswith: false },
};

const STRING = String.raw`'((?:[^']|'')*)'`;
const PROP = String.raw`([A-Za-z]+(?:/[A-Za-z]+)*)`;
// OData ABNF dateTimeOffsetValue (unquoted), or a bare date taken as midnight UTC.
const DATE_TIME = String.raw`(\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2}))?)`;
const COMPARE = new RegExp(String.raw`^${PROP}\s+(eq|ge|le|gt|lt)\s+(?:${STRING}|${DATE_TIME})$`, 'i');
const STARTSWITH = new RegExp(String.raw`^startswith\(\s*${PROP}\s*,\s*${STRING}\s*\)$`, 'i');
const ANY = /^targetResources\/any\(\s*([A-Za-z_]\w*)\s*:\s*(.*)\)$/is;
const ANY_EQ = new RegExp(String.raw`^([A-Za-z_]\w*)/(id|displayName)\s+eq\s+${STRING}$`, 'i');
const ANY_STARTSWITH = new RegExp(String.raw`^startswith\(\s*([A-Za-z_]\w*)/displayName\s*,\s*${STRING}\s*\)$`, 'i');

const invalid = (message: string): ApiError => new ApiError('Request_BadRequest', `Invalid $filter: ${message}`);
const unsupported = (message: string): ApiError => new ApiError('Request_UnsupportedQuery', `Unsupported $filter: ${message}`);

/** Parses a directoryAudits `$filter` into conditions that all must hold. Throws a 400 ApiError. */
export function parseAuditFilter(text: string): AuditCondition[] {
  if (text.length > MAX_FILTER_LENGTH) throw invalid(`longer than ${MAX_FILTER_LENGTH} characters`);
  if (!text.trim()) throw invalid('empty expression');
  const clauses = splitAnd(text.trim());
  if (clauses.length > MAX_CLAUSES) throw invalid(`more than ${MAX_CLAUSES} clauses`);
  return clauses.map(parseClause);
}

function parseClause(raw: string): AuditCondition {
  const clause = stripParens(raw.trim());
  if (!clause) throw invalid('empty expression');
  const any = ANY.exec(clause);
  if (any) return parseAny(any[1]!, any[2]!.trim());
  const sw = STARTSWITH.exec(clause);
  if (sw) {
    const spec = STRING_FIELDS[sw[1]!.toLowerCase()];
    if (!spec?.startswith) throw unsupported(`startswith is not supported on "${sw[1]}"`);
    return { field: spec.field, op: 'startswith', value: unquote(sw[2]!) };
  }
  const m = COMPARE.exec(clause);
  if (!m) {
    if (/\s(or|not)\s|^not[\s(]/i.test(` ${clause} `)) throw unsupported('only "and" is supported between clauses');
    throw invalid(`cannot parse "${clause.slice(0, 80)}"`);
  }
  const [, property = '', opRaw = '', quoted, dateTime] = m;
  const op = opRaw.toLowerCase() as 'eq' | 'ge' | 'le' | 'gt' | 'lt';
  if (property.toLowerCase() === 'activitydatetime') {
    if (dateTime === undefined) throw invalid('activityDateTime needs an unquoted date-time such as 2026-01-01T00:00:00Z');
    const value = new Date(/T/.test(dateTime) ? dateTime : `${dateTime}T00:00:00Z`);
    if (Number.isNaN(value.getTime())) throw invalid(`"${dateTime}" is not a valid date-time`);
    return { field: 'activityDateTime', op, value };
  }
  const spec = STRING_FIELDS[property.toLowerCase()];
  if (!spec) throw unsupported(`filtering on "${property}" is not supported`);
  if (op !== 'eq') throw unsupported(`${property} supports only eq`);
  if (quoted === undefined) throw invalid(`${property} needs a quoted string value`);
  const value = unquote(quoted);
  if (spec.field === 'result' && !RESULTS.includes(value)) throw invalid(`result must be one of ${RESULTS.join(', ')}`);
  return { field: spec.field, op: 'eq', value };
}

/** `targetResources/any(t: t/id eq '…')` and the displayName forms. */
function parseAny(variable: string, body: string): AuditCondition {
  const inner = stripParens(body);
  const eq = ANY_EQ.exec(inner);
  const sw = eq ? null : ANY_STARTSWITH.exec(inner);
  const used = eq?.[1] ?? sw?.[1];
  if (!used) throw unsupported("targetResources/any supports t/id eq '…', t/displayName eq '…' and startswith(t/displayName, '…')");
  if (used !== variable) throw invalid(`lambda variable "${used}" is not "${variable}"`);
  if (eq)
    return { field: eq[2]!.toLowerCase() === 'id' ? 'targetResourceId' : 'targetResourceDisplayName', op: 'eq', value: unquote(eq[3]!) };
  return { field: 'targetResourceDisplayName', op: 'startswith', value: unquote(sw![2]!) };
}

/** Splits on ` and ` outside string literals and parentheses. */
function splitAnd(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "'") {
        if (text[i + 1] === "'") i++;
        else inString = false;
      }
      continue;
    }
    if (c === "'") inString = true;
    else if (c === '(') depth++;
    else if (c === ')') {
      if (--depth < 0) throw invalid('unbalanced parentheses');
    } else if (depth === 0 && /\s/.test(c!)) {
      const m = /^\s+and\s+/i.exec(text.slice(i));
      if (m) {
        parts.push(text.slice(start, i));
        i += m[0].length - 1;
        start = i + 1;
      }
    }
  }
  if (inString) throw invalid('unterminated string literal');
  if (depth !== 0) throw invalid('unbalanced parentheses');
  parts.push(text.slice(start));
  return parts;
}

/** Removes parentheses that wrap the whole clause: `((a eq 'x'))` → `a eq 'x'`. */
function stripParens(clause: string): string {
  let c = clause;
  while (c.startsWith('(') && c.endsWith(')') && wrapsWhole(c)) c = c.slice(1, -1).trim();
  return c;
}

function wrapsWhole(c: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < c.length; i++) {
    const ch = c[i];
    if (inString) {
      if (ch === "'") inString = c[i + 1] === "'" ? (i++, true) : false;
      continue;
    }
    if (ch === "'") inString = true;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0 && i < c.length - 1) return false;
  }
  return true;
}

const unquote = (s: string): string => {
  const v = s.replaceAll("''", "'");
  // PostgreSQL text cannot hold NUL; such a value can match nothing, so say so instead of failing.
  if (v.includes('\0')) throw invalid('string literals cannot contain NUL characters');
  return v;
};
