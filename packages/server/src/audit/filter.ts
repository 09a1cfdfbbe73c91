import { ApiError } from '../errors.ts';

/**
 * The `$filter` forms Graph documents for `GET /auditLogs/directoryAudits`, and only those:
 *
 *   activityDateTime ge|le|gt|lt 2026-01-01T00:00:00Z
 *   category | activityDisplayName | result | correlationId eq '…'
 *   initiatedBy/user/id eq '…'
 *   targetResources/any(t: t/id eq '…')
 *
 * joined with `and`. Anything else is a 400, never a guess. This parser is deliberately small and
 * local to the audit module (a generic OData parser lives in src/odata/).
 */
export type AuditFilterField = 'category' | 'activityDisplayName' | 'result' | 'correlationId' | 'initiatedByUserId' | 'targetResourceId';

export type AuditCondition =
  | { field: 'activityDateTime'; op: 'ge' | 'le' | 'gt' | 'lt'; value: Date }
  | { field: AuditFilterField; op: 'eq'; value: string };

const MAX_FILTER_LENGTH = 2000;
const MAX_CLAUSES = 20;
/** Graph's operationResult enum. */
const RESULTS = ['success', 'failure', 'timeout'];

const EQ_FIELDS: Record<string, AuditFilterField> = {
  category: 'category',
  activitydisplayname: 'activityDisplayName',
  result: 'result',
  correlationid: 'correlationId',
  'initiatedby/user/id': 'initiatedByUserId',
};

const STRING = String.raw`'((?:[^']|'')*)'`;
// OData ABNF dateTimeOffsetValue (unquoted), or a bare date taken as midnight UTC.
const DATE_TIME = String.raw`(\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2}))?)`;
const COMPARE = new RegExp(String.raw`^([A-Za-z]+(?:/[A-Za-z]+)*)\s+(eq|ge|le|gt|lt)\s+(?:${STRING}|${DATE_TIME})$`, 'i');
const ANY_ID = new RegExp(String.raw`^targetResources/any\(\s*([A-Za-z_]\w*)\s*:\s*([A-Za-z_]\w*)/id\s+eq\s+${STRING}\s*\)$`, 'i');

const invalid = (message: string): ApiError => new ApiError('Request_BadRequest', `Invalid $filter: ${message}`);
const unsupported = (message: string): ApiError => new ApiError('Request_UnsupportedQuery', `Unsupported $filter: ${message}`);

/** Parses a directoryAudits `$filter` into conditions that all must hold. Throws a 400 ApiError. */
export function parseAuditFilter(text: string): AuditCondition[] {
  if (text.length > MAX_FILTER_LENGTH) throw invalid(`longer than ${MAX_FILTER_LENGTH} characters`);
  const clauses = splitAnd(text.trim());
  if (clauses.length > MAX_CLAUSES) throw invalid(`more than ${MAX_CLAUSES} clauses`);
  return clauses.map(parseClause);
}

function parseClause(raw: string): AuditCondition {
  const clause = stripParens(raw.trim());
  if (!clause) throw invalid('empty expression');
  const any = ANY_ID.exec(clause);
  if (any) {
    if (any[1] !== any[2]) throw invalid(`lambda variable "${any[2]}" is not "${any[1]}"`);
    return { field: 'targetResourceId', op: 'eq', value: unquote(any[3]!) };
  }
  const m = COMPARE.exec(clause);
  if (!m) {
    if (/\s(or|not)\s|^not\s/i.test(` ${clause} `)) throw unsupported('only "and" is supported between clauses');
    throw invalid(`cannot parse "${clause.slice(0, 80)}"`);
  }
  const [, property = '', opRaw = '', quoted, dateTime] = m;
  const op = opRaw.toLowerCase() as 'eq' | 'ge' | 'le' | 'gt' | 'lt';
  if (property.toLowerCase() === 'activitydatetime') {
    if (op === 'eq') throw unsupported('activityDateTime supports ge, le, gt and lt');
    if (dateTime === undefined) throw invalid('activityDateTime needs an unquoted date-time such as 2026-01-01T00:00:00Z');
    const value = new Date(/T/.test(dateTime) ? dateTime : `${dateTime}T00:00:00Z`);
    if (Number.isNaN(value.getTime())) throw invalid(`"${dateTime}" is not a valid date-time`);
    return { field: 'activityDateTime', op, value };
  }
  const field = EQ_FIELDS[property.toLowerCase()];
  if (!field) throw unsupported(`filtering on "${property}" is not supported`);
  if (op !== 'eq') throw unsupported(`${property} supports only eq`);
  if (quoted === undefined) throw invalid(`${property} needs a quoted string value`);
  const value = unquote(quoted);
  if (field === 'result' && !RESULTS.includes(value)) throw invalid(`result must be one of ${RESULTS.join(', ')}`);
  return { field, op: 'eq', value };
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

const unquote = (s: string): string => s.replaceAll("''", "'");
