import { CborError } from './errors.ts';
import { MAJOR, type CborValue } from './types.ts';

/**
 * Encodes a value as CTAP2 canonical CBOR (CTAP 2.2 §8 "CTAP2 canonical CBOR encoding form"):
 * shortest-form integers and lengths, definite lengths only, and map keys sorted by major type,
 * then encoded length, then bytewise. Plain objects are encoded as maps with text keys.
 */
export function encodeCbor(value: CborValue | Record<string, unknown>): Uint8Array {
  const out = new ByteWriter();
  write(out, value as CborValue);
  return out.finish();
}

class ByteWriter {
  private buf = new Uint8Array(256);
  private len = 0;
  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** The head of an item: major type and argument in shortest form (RFC 8949 §3, §4.2.1). */
function head(out: ByteWriter, major: number, arg: number | bigint): void {
  const m = major << 5;
  const n = BigInt(arg);
  if (n < 24n) out.byte(m | Number(n));
  else if (n < 0x100n) {
    out.byte(m | 24);
    out.byte(Number(n));
  } else if (n < 0x10000n) {
    out.byte(m | 25);
    out.bytes(new Uint8Array([Number(n >> 8n), Number(n & 0xffn)]));
  } else if (n < 0x100000000n) {
    out.byte(m | 26);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, Number(n));
    out.bytes(b);
  } else if (n < 0x10000000000000000n) {
    out.byte(m | 27);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, n);
    out.bytes(b);
  } else throw new CborError('unencodable', `integer ${n} does not fit in 64 bits`);
}

const utf8 = new TextEncoder();

function write(out: ByteWriter, v: CborValue): void {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new CborError('unencodable', `only safe integers are supported, got ${v}`);
    if (v >= 0) head(out, MAJOR.unsigned, v);
    else head(out, MAJOR.negative, -1 - v);
  } else if (typeof v === 'bigint') {
    if (v >= 0n) head(out, MAJOR.unsigned, v);
    else head(out, MAJOR.negative, -1n - v);
  } else if (typeof v === 'string') {
    const b = utf8.encode(v);
    head(out, MAJOR.text, b.length);
    out.bytes(b);
  } else if (v instanceof Uint8Array) {
    head(out, MAJOR.bytes, v.length);
    out.bytes(v);
  } else if (v === false) out.byte(0xf4);
  else if (v === true) out.byte(0xf5);
  else if (v === null) out.byte(0xf6);
  else if (v === undefined) out.byte(0xf7);
  else if (Array.isArray(v)) {
    head(out, MAJOR.array, v.length);
    for (const item of v) write(out, item);
  } else if (v instanceof Map) {
    writeMap(out, [...v.entries()]);
  } else if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    writeMap(out, Object.entries(v as Record<string, CborValue>));
  } else throw new CborError('unencodable', `cannot encode a value of type ${typeof v}`);
}

function writeMap(out: ByteWriter, entries: Array<[CborValue, CborValue]>): void {
  const encoded = entries.map(([k, val]) => ({ key: encodeCbor(k), val }));
  encoded.sort((a, b) => compareCanonicalKeys(a.key, b.key));
  for (let i = 1; i < encoded.length; i++) {
    if (compareCanonicalKeys(encoded[i - 1]!.key, encoded[i]!.key) === 0) throw new CborError('unencodable', 'duplicate map key');
  }
  head(out, MAJOR.map, encoded.length);
  for (const { key, val } of encoded) {
    out.bytes(key);
    write(out, val);
  }
}

/**
 * CTAP2 canonical key order (CTAP 2.2 §8): lower major type first; then shorter encoding first;
 * then lexicographic on the encoded bytes. Returns <0, 0 or >0.
 */
export function compareCanonicalKeys(a: Uint8Array, b: Uint8Array): number {
  const ma = (a[0] ?? 0) >> 5;
  const mb = (b[0] ?? 0) >> 5;
  if (ma !== mb) return ma - mb;
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return 0;
}
