import { CborError } from './errors.ts';
import { compareCanonicalKeys } from './encode.ts';
import { MAJOR, type CborMap, type CborValue } from './types.ts';

export interface DecodeOptions {
  /** Deepest nesting of arrays and maps accepted. Default 16 (a WebAuthn attestation object needs 4). */
  maxDepth?: number;
  /** Largest element count of one array or map, and largest byte length of one string. Default 1 MiB. */
  maxLength?: number;
  /** Also require CTAP2 canonical form: shortest-form heads and sorted map keys. Default false. */
  requireCanonical?: boolean;
}

/**
 * Decodes exactly one CBOR item that spans all of `bytes` (RFC 8949 §5.1 "well-formed"), within
 * the subset of `types.ts`. Rejects truncated input, trailing bytes, indefinite lengths, tags,
 * floats, duplicate map keys and invalid UTF-8 with a `CborError` carrying a stable code.
 */
export function decodeCbor(bytes: Uint8Array, options: DecodeOptions = {}): CborValue {
  const { value, length } = decodeCborPrefix(bytes, options);
  if (length !== bytes.length) throw new CborError('trailing_bytes', `${bytes.length - length} bytes after the CBOR item`, length);
  return value;
}

/**
 * Decodes the first CBOR item of `bytes` and says how many bytes it used. For structures where
 * CBOR is followed by other data (the credential public key inside authenticatorData, followed by
 * extensions: WebAuthn L3 §6.1).
 */
export function decodeCborPrefix(bytes: Uint8Array, options: DecodeOptions = {}): { value: CborValue; length: number } {
  const reader = new Reader(bytes, {
    maxDepth: options.maxDepth ?? 16,
    maxLength: options.maxLength ?? 1 << 20,
    requireCanonical: options.requireCanonical ?? false,
  });
  const value = reader.item(0);
  return { value, length: reader.pos };
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

class Reader {
  pos = 0;
  private readonly view: DataView;
  private readonly bytes: Uint8Array;
  private readonly opts: Required<DecodeOptions>;
  constructor(bytes: Uint8Array, opts: Required<DecodeOptions>) {
    this.bytes = bytes;
    this.opts = opts;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) throw new CborError('truncated', `input ends ${this.pos + n - this.bytes.length} bytes early`, this.pos);
  }

  /** Reads a head; returns the major type and its argument (number, or bigint past 2^53). */
  private head(): { major: number; arg: number | bigint; start: number } {
    const start = this.pos;
    this.need(1);
    const initial = this.bytes[this.pos++]!;
    const major = initial >> 5;
    const info = initial & 0x1f;
    let arg: number | bigint;
    if (major === MAJOR.simple && info >= 24 && info <= 27) {
      throw new CborError('unsupported_type', info === 24 ? 'extended simple values are not accepted' : 'floating-point values are not accepted', start);
    }
    if (info < 24) arg = info;
    else if (info === 24) {
      this.need(1);
      arg = this.bytes[this.pos]!;
      this.pos += 1;
      this.minimal(arg < 24, start);
    } else if (info === 25) {
      this.need(2);
      arg = this.view.getUint16(this.pos);
      this.pos += 2;
      this.minimal(arg < 0x100, start);
    } else if (info === 26) {
      this.need(4);
      arg = this.view.getUint32(this.pos);
      this.pos += 4;
      this.minimal(arg < 0x10000, start);
    } else if (info === 27) {
      this.need(8);
      const big = this.view.getBigUint64(this.pos);
      this.pos += 8;
      this.minimal(big < 0x100000000n, start);
      arg = big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
    } else if (info === 31) {
      if (major === MAJOR.simple) throw new CborError('unsupported_type', 'unexpected "break" byte', start);
      throw new CborError('indefinite_length', 'indefinite-length items are not accepted', start);
    } else throw new CborError('unsupported_type', `reserved additional information ${info}`, start);
    return { major, arg, start };
  }

  private minimal(tooLong: boolean, at: number): void {
    if (tooLong && this.opts.requireCanonical) throw new CborError('non_minimal', 'argument not in shortest form', at);
  }

  private length(arg: number | bigint, at: number): number {
    if (typeof arg === 'bigint' || arg > this.opts.maxLength) throw new CborError('length_exceeded', `length ${arg} exceeds the limit of ${this.opts.maxLength}`, at);
    return arg;
  }

  item(depth: number): CborValue {
    const { major, arg, start } = this.head();
    switch (major) {
      case MAJOR.unsigned:
        return arg;
      case MAJOR.negative:
        return typeof arg === 'bigint' || arg > Number.MAX_SAFE_INTEGER - 1 ? -1n - BigInt(arg) : -1 - arg;
      case MAJOR.bytes: {
        const n = this.length(arg, start);
        this.need(n);
        const out = this.bytes.slice(this.pos, this.pos + n);
        this.pos += n;
        return out;
      }
      case MAJOR.text: {
        const n = this.length(arg, start);
        this.need(n);
        const slice = this.bytes.subarray(this.pos, this.pos + n);
        this.pos += n;
        try {
          return utf8.decode(slice);
        } catch {
          throw new CborError('invalid_utf8', 'text string is not valid UTF-8', start);
        }
      }
      case MAJOR.array: {
        const n = this.length(arg, start);
        this.enter(depth, start);
        // Each element needs at least one byte: refuse counts the input cannot hold before allocating.
        if (n > this.bytes.length - this.pos) throw new CborError('truncated', `array of ${n} items cannot fit in the input`, start);
        const out: CborValue[] = [];
        for (let i = 0; i < n; i++) out.push(this.item(depth + 1));
        return out;
      }
      case MAJOR.map:
        return this.map(this.length(arg, start), depth, start);
      case MAJOR.tag:
        throw new CborError('unsupported_type', 'tags are not accepted', start);
      default:
        return this.simple(info(this.bytes[start]!), start);
    }
  }

  private enter(depth: number, at: number): void {
    if (depth + 1 > this.opts.maxDepth) throw new CborError('depth_exceeded', `nesting deeper than ${this.opts.maxDepth}`, at);
  }

  private map(n: number, depth: number, start: number): CborMap {
    this.enter(depth, start);
    if (n * 2 > this.bytes.length - this.pos) throw new CborError('truncated', `map of ${n} entries cannot fit in the input`, start);
    const out: CborMap = new Map();
    const seen = new Set<string>();
    let previousKey: Uint8Array | undefined;
    for (let i = 0; i < n; i++) {
      const keyStart = this.pos;
      const key = this.item(depth + 1);
      const keyBytes = this.bytes.subarray(keyStart, this.pos);
      const id = Buffer.from(keyBytes).toString('hex');
      if (seen.has(id)) throw new CborError('duplicate_key', 'map key repeated', keyStart);
      seen.add(id);
      if (this.opts.requireCanonical && previousKey && compareCanonicalKeys(previousKey, keyBytes) >= 0) throw new CborError('non_canonical', 'map keys out of canonical order', keyStart);
      previousKey = keyBytes;
      out.set(key, this.item(depth + 1));
    }
    return out;
  }

  private simple(additional: number, at: number): CborValue {
    switch (additional) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 23:
        return undefined;
      default:
        throw new CborError('unsupported_type', additional >= 25 && additional <= 27 ? 'floating-point values are not accepted' : `simple value ${additional} is not accepted`, at);
    }
  }
}

const info = (initial: number): number => initial & 0x1f;
