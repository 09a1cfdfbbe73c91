import { validateTokenFields, type ValidToken } from './validate.ts';

/** One problem in an import file, by 1-based line number. */
export interface ImportIssue {
  line: number;
  field?: string;
  serialNumber?: string;
  reason: string;
}

export interface ParsedToken extends ValidToken {
  line: number;
  upn: string | null;
}

export interface ParsedFile {
  tokens: ParsedToken[];
  issues: ImportIssue[];
}

/** entra-spec §6.2: the header row is required, exactly these columns in this order. */
export const CSV_HEADER = ['upn', 'serial number', 'secret key', 'time interval', 'manufacturer', 'model'] as const;

/**
 * Entra's OATH CSV (`upn,serial number,secret key,time interval,manufacturer,model`). RFC 4180
 * quoting is accepted; blank lines are skipped. Every row is checked (validate.ts) and every
 * problem reported with its line; nothing is decided about the database here.
 */
export function parseEntraCsv(text: string): ParsedFile {
  const tokens: ParsedToken[] = [];
  const issues: ImportIssue[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerAt = lines.findIndex((l) => l.trim() !== '');
  if (headerAt < 0) return { tokens, issues: [{ line: 1, reason: 'the file is empty' }] };
  const header = splitCsvLine(lines[headerAt]!);
  if (!header || header.length !== CSV_HEADER.length || header.some((h, i) => h.trim().toLowerCase() !== CSV_HEADER[i])) {
    return { tokens, issues: [{ line: headerAt + 1, reason: `the header row is required: ${CSV_HEADER.join(',')}` }] };
  }
  for (let i = headerAt + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const line = i + 1;
    const cells = splitCsvLine(raw);
    if (!cells) {
      issues.push({ line, reason: 'unbalanced quotes' });
      continue;
    }
    if (cells.length !== CSV_HEADER.length) {
      issues.push({ line, reason: `expected ${CSV_HEADER.length} columns, found ${cells.length}` });
      continue;
    }
    const [upn, serial, secret, interval, manufacturer, model] = cells.map((c) => c.trim()) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (!/^\d+$/.test(interval)) {
      issues.push({
        line,
        field: 'time interval',
        serialNumber: serial,
        reason: `time interval must be 30 or 60 seconds, not "${interval}"`,
      });
      continue;
    }
    if (upn !== '' && (!upn.includes('@') || upn.length > 113)) {
      issues.push({ line, field: 'upn', serialNumber: serial, reason: 'upn is not a user principal name' });
      continue;
    }
    const checked = validateTokenFields({
      serialNumber: serial,
      secretKey: secret,
      timeIntervalInSeconds: Number(interval),
      manufacturer,
      model,
    });
    if (!checked.ok) {
      issues.push({ line, field: checked.field, serialNumber: serial, reason: checked.message });
      continue;
    }
    tokens.push({ ...checked.value, line, upn: upn === '' ? null : upn });
  }
  return { tokens, issues };
}

/** Splits one CSV record (RFC 4180 quotes, no embedded newlines); null when quotes are unbalanced. */
function splitCsvLine(line: string): string[] | null {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur.trim() === '') {
      quoted = true;
      cur = '';
    } else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (quoted) return null;
  out.push(cur);
  return out;
}
