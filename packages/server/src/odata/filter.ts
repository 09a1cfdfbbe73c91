import { ApiError } from '../errors.ts';

/**
 * A small OData `$filter` parser for the directory's collections (OData v4.01 Part 2 §5.1.1, the
 * subset Graph documents for users and groups): `field eq 'x'`, `field eq true|false|null`,
 * `startswith(field,'x')`, combined with `and`, `or` and parentheses (`and` binds tighter).
 * Fields come from a per-resource allowlist; anything else is a 400, never a guess.
 */
export type FilterExpr =
  | { kind: 'eq'; field: string; value: string | boolean | null }
  | { kind: 'startswith'; field: string; value: string }
  | { kind: 'and' | 'or'; left: FilterExpr; right: FilterExpr };

/** How a filterable property is typed and which operators it accepts. */
export interface FilterField {
  /** SQL column (the repository maps it). */
  column: string;
  type: 'string' | 'boolean' | 'guid';
  startswith?: boolean;
  nullable?: boolean;
}

/** Allowlist keyed by the Graph property name (matched case-insensitively, as Graph does). */
export type FilterFields = Record<string, FilterField>;

export const MAX_FILTER_LENGTH = 2000;
const MAX_DEPTH = 16;
const MAX_TERMS = 50;

type Token = { t: 'ident' | 'string' | 'number' | 'lparen' | 'rparen' | 'comma'; v: string; pos: number };

const syntax = (text: string, pos: number, what: string): ApiError =>
  new ApiError('Request_BadRequest', `Invalid $filter: ${what} at position ${pos + 1} in '${text.slice(0, 200)}'.`);
const unsupported = (message: string): ApiError => new ApiError('Request_UnsupportedQuery', `Unsupported $filter: ${message}`);

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') i++;
    else if (c === '(') out.push({ t: 'lparen', v: c, pos: i++ });
    else if (c === ')') out.push({ t: 'rparen', v: c, pos: i++ });
    else if (c === ',') out.push({ t: 'comma', v: c, pos: i++ });
    else if (c === "'") {
      // OData ABNF: a quote inside a string is written twice.
      const start = i++;
      let v = '';
      for (;;) {
        if (i >= text.length) throw syntax(text, start, 'unterminated string literal');
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += text[i++];
      }
      out.push({ t: 'string', v, pos: start });
    } else if (/[-\d]/.test(c)) {
      const m = /^-?\d+(?:\.\d+)?/.exec(text.slice(i));
      if (!m) throw syntax(text, i, `unexpected character '${c}'`);
      out.push({ t: 'number', v: m[0], pos: i });
      i += m[0].length;
    } else {
      const m = /^[A-Za-z_][\w./]*/.exec(text.slice(i));
      if (!m) throw syntax(text, i, `unexpected character '${c}'`);
      out.push({ t: 'ident', v: m[0], pos: i });
      i += m[0].length;
    }
  }
  return out;
}

/**
 * Parses `text` against `fields` (the resource's allowlist, `resource` names it in messages).
 * Returns the expression tree with canonical field names. Throws ApiError 400 on any fault.
 */
export function parseFilter(text: string, fields: FilterFields, resource: string): FilterExpr {
  if (text.length > MAX_FILTER_LENGTH)
    throw new ApiError('Request_BadRequest', `Invalid $filter: longer than ${MAX_FILTER_LENGTH} characters.`);
  // PostgreSQL text holds neither NUL nor lone surrogates; refuse them before they reach SQL.
  if (!text.isWellFormed() || text.includes('\0'))
    throw new ApiError('Request_BadRequest', 'Invalid $filter: contains a NUL character or malformed Unicode.');
  const tokens = tokenize(text);
  if (!tokens.length) throw new ApiError('Request_BadRequest', 'Invalid $filter: the expression is empty.');
  const byLower = new Map(Object.keys(fields).map((k) => [k.toLowerCase(), k]));
  let p = 0;
  let terms = 0;
  const peek = () => tokens[p];
  const endPos = text.length;
  const isKeyword = (tok: Token | undefined, kw: string) => tok?.t === 'ident' && tok.v.toLowerCase() === kw;
  const expect = (t: Token['t'], what: string): Token => {
    const tok = tokens[p];
    if (tok?.t !== t) throw syntax(text, tok?.pos ?? endPos, `expected ${what}`);
    p++;
    return tok;
  };
  const field = (tok: Token): [string, FilterField] => {
    const name = byLower.get(tok.v.toLowerCase());
    if (!name) throw unsupported(`property '${tok.v}' is not filterable on ${resource}; use one of ${Object.keys(fields).join(', ')}.`);
    return [name, fields[name]!];
  };

  const orExpr = (depth: number): FilterExpr => {
    let left = andExpr(depth);
    while (isKeyword(peek(), 'or')) {
      p++;
      left = { kind: 'or', left, right: andExpr(depth) };
    }
    return left;
  };
  const andExpr = (depth: number): FilterExpr => {
    let left = primary(depth);
    while (isKeyword(peek(), 'and')) {
      p++;
      left = { kind: 'and', left, right: primary(depth) };
    }
    return left;
  };
  const primary = (depth: number): FilterExpr => {
    if (depth > MAX_DEPTH) throw new ApiError('Request_BadRequest', `Invalid $filter: nested deeper than ${MAX_DEPTH} levels.`);
    if (++terms > MAX_TERMS) throw new ApiError('Request_BadRequest', `Invalid $filter: more than ${MAX_TERMS} terms.`);
    const tok = peek();
    if (!tok) throw syntax(text, endPos, 'expected an expression');
    if (tok.t === 'lparen') {
      p++;
      const inner = orExpr(depth + 1);
      expect('rparen', "')'");
      return inner;
    }
    if (tok.t !== 'ident') throw syntax(text, tok.pos, 'expected a property or function');
    p++;
    const lower = tok.v.toLowerCase();
    if (lower === 'startswith' && peek()?.t === 'lparen') {
      p++;
      const [name, spec] = field(expect('ident', 'a property name'));
      expect('comma', "','");
      const value = expect('string', 'a quoted string');
      expect('rparen', "')'");
      if (!spec.startswith) throw unsupported(`startswith is not supported on '${name}'.`);
      return { kind: 'startswith', field: name, value: value.v };
    }
    if (lower === 'not') throw unsupported("'not' is not supported.");
    if (peek()?.t === 'lparen') throw unsupported(`function '${tok.v}' is not supported; use eq or startswith.`);
    const [name, spec] = field(tok);
    const op = peek();
    if (op?.t !== 'ident') throw syntax(text, op?.pos ?? endPos, `expected an operator after '${tok.v}'`);
    p++;
    if (op.v.toLowerCase() !== 'eq') {
      if (['ne', 'gt', 'ge', 'lt', 'le', 'in', 'has'].includes(op.v.toLowerCase()))
        throw unsupported(`operator '${op.v}' is not supported; use eq.`);
      throw syntax(text, op.pos, `unknown operator '${op.v}'`);
    }
    return { kind: 'eq', field: name, value: literal(name, spec) };
  };
  const literal = (name: string, spec: FilterField): string | boolean | null => {
    const tok = peek();
    if (!tok) throw syntax(text, endPos, 'expected a value');
    p++;
    if (tok.t === 'ident' && /^(true|false|null)$/i.test(tok.v)) {
      const v = tok.v.toLowerCase();
      if (v === 'null') {
        if (!spec.nullable) throw new ApiError('Request_BadRequest', `Invalid $filter: '${name}' is never null.`);
        return null;
      }
      if (spec.type !== 'boolean')
        throw new ApiError('Request_BadRequest', `Invalid $filter: '${name}' compares with a quoted string, not ${v}.`);
      return v === 'true';
    }
    if (tok.t === 'number')
      throw unsupported(`'${name}' is not numeric; compare it with ${spec.type === 'boolean' ? 'true or false' : 'a quoted string'}.`);
    if (tok.t !== 'string') throw syntax(text, tok.pos, 'expected a quoted string, true, false or null');
    if (spec.type === 'boolean') throw new ApiError('Request_BadRequest', `Invalid $filter: '${name}' compares with true or false.`);
    if (spec.type === 'guid' && !GUID.test(tok.v))
      throw new ApiError('Request_BadRequest', `Invalid $filter: '${tok.v.slice(0, 60)}' is not a valid GUID for '${name}'.`);
    return tok.v;
  };

  const expr = orExpr(0);
  const rest = peek();
  if (rest) throw syntax(text, rest.pos, `unexpected '${rest.v}'`);
  return expr;
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `s` is a GUID in its 8-4-4-4-12 hex form (any case). */
export const isGuid = (s: string): boolean => GUID.test(s);

/** Writes an expression back as OData text (canonical: fully parenthesised). */
export function formatFilter(e: FilterExpr): string {
  const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
  switch (e.kind) {
    case 'eq':
      return `${e.field} eq ${typeof e.value === 'string' ? q(e.value) : String(e.value)}`;
    case 'startswith':
      return `startswith(${e.field},${q(e.value)})`;
    default:
      return `(${formatFilter(e.left)} ${e.kind} ${formatFilter(e.right)})`;
  }
}
