import { sql, type RawBuilder } from 'kysely';
import { ApiError } from '../errors.ts';

/**
 * `$filter` of `GET /auditLogs/signIns` (the subset Graph documents for sign-ins): terms joined
 * with `and` —
 *   createdDateTime ge|gt|le|lt 2026-01-01T00:00:00Z
 *   userId eq '<guid>' · appId eq '<id>' · userPrincipalName eq '<upn>'
 *   status/errorCode eq|ne <number>
 *   conditionalAccessStatus eq 'success'|'failure'|'notApplied'
 *   authenticationProtocol eq 'deviceCode'|'none' · originalTransferMethod eq 'deviceCodeFlow'|'none' (Graph beta; ADR 0019)
 * Anything else is a 400 naming the term (never a guess). Values are bound parameters.
 */
export function parseSignInLogFilter(text: string): RawBuilder<boolean> {
  const terms = text.trim().split(/\s+and\s+/i);
  if (terms.length > 20) throw bad('at most 20 terms joined with and');
  return sql<boolean>`(${sql.join(terms.map(term), sql` and `)})`;
}

const OPS: Record<string, string> = { eq: '=', ne: '<>', ge: '>=', gt: '>', le: '<=', lt: '<' };
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STRING_FIELDS: Record<string, string> = {
  userid: 'user_id',
  appid: 'app_id',
  userprincipalname: 'user_principal_name',
  conditionalaccessstatus: 'conditional_access_status',
  authenticationprotocol: 'authentication_protocol',
  originaltransfermethod: 'original_transfer_method',
};

function term(t: string): RawBuilder<boolean> {
  const m = /^\s*([A-Za-z/]+)\s+(eq|ne|ge|gt|le|lt)\s+(.+?)\s*$/i.exec(t);
  if (!m) throw bad(`cannot read '${t.slice(0, 100)}'`);
  const field = m[1]!.toLowerCase();
  const op = OPS[m[2]!.toLowerCase()]!;
  const raw = m[3]!;
  if (field === 'createddatetime') {
    const v = raw.replace(/^'(.*)'$/, '$1');
    if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(v) || Number.isNaN(Date.parse(v))) throw bad(`createdDateTime needs a date-time, got '${v.slice(0, 40)}'`);
    return sql<boolean>`created_at ${sql.raw(op)} ${new Date(v)}`;
  }
  if (field === 'status/errorcode' || field === 'errorcode') {
    if (!/^\d{1,9}$/.test(raw) || (op !== '=' && op !== '<>')) throw bad('status/errorCode takes eq or ne and a number');
    return sql<boolean>`error_code ${sql.raw(op)} ${Number(raw)}`;
  }
  const column = STRING_FIELDS[field];
  if (!column) throw bad(`'${m[1]}' cannot be filtered (createdDateTime, userId, appId, userPrincipalName, status/errorCode, conditionalAccessStatus, authenticationProtocol, originalTransferMethod)`);
  const s = /^'((?:[^']|'')*)'$/.exec(raw);
  if (!s || op !== '=') throw bad(`${m[1]} takes eq and a quoted string`);
  const v = s[1]!.replace(/''/g, "'");
  if (field === 'userid' && !GUID.test(v)) throw bad('userId must be a GUID');
  return field === 'userprincipalname' ? sql<boolean>`lower(user_principal_name) = lower(${v})` : sql<boolean>`${sql.ref(column)} = ${v}`;
}

const bad = (what: string) => new ApiError('Request_BadRequest', `Invalid $filter: ${what}.`);
