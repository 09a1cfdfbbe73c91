import { describe, expect, it } from 'vitest';
import { CborError, decodeCbor, encodeCbor, type CborValue } from '../src/index.ts';

const hex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** RFC 8949 Appendix A: every example inside the subset (no floats, no tags). */
const VECTORS: Array<[string, CborValue]> = [
  ['00', 0],
  ['01', 1],
  ['0a', 10],
  ['17', 23],
  ['1818', 24],
  ['1819', 25],
  ['1864', 100],
  ['1903e8', 1000],
  ['1a000f4240', 1000000],
  ['1b000000e8d4a51000', 1000000000000],
  ['1bffffffffffffffff', 18446744073709551615n],
  ['3bffffffffffffffff', -18446744073709551616n],
  ['20', -1],
  ['29', -10],
  ['3863', -100],
  ['3903e7', -1000],
  ['f4', false],
  ['f5', true],
  ['f6', null],
  ['f7', undefined],
  ['40', new Uint8Array()],
  ['4401020304', hex('01020304')],
  ['60', ''],
  ['6161', 'a'],
  ['6449455446', 'IETF'],
  ['62225c', '"\\'],
  ['62c3bc', '\u00fc'],
  ['63e6b0b4', '\u6c34'],
  ['64f0908591', '\ud800\udd51'],
  ['80', []],
  ['83010203', [1, 2, 3]],
  ['8301820203820405', [1, [2, 3], [4, 5]]],
  ['98190102030405060708090a0b0c0d0e0f101112131415161718181819', Array.from({ length: 25 }, (_, i) => i + 1)],
  ['a0', new Map()],
  ['a201020304', new Map([[1, 2], [3, 4]])],
  ['a26161016162820203', new Map<CborValue, CborValue>([['a', 1], ['b', [2, 3]]])],
  ['826161a161626163', ['a', new Map([['b', 'c']])]],
  ['a56161614161626142616361436164614461656145', new Map([['a', 'A'], ['b', 'B'], ['c', 'C'], ['d', 'D'], ['e', 'E']])],
];

describe('RFC 8949 Appendix A vectors', () => {
  for (const [h, value] of VECTORS) {
    it(`decodes and re-encodes ${h}`, () => {
      expect(decodeCbor(hex(h), { requireCanonical: true })).toEqual(value);
      expect(toHex(encodeCbor(value))).toBe(h);
    });
  }
});

const code = (h: string, options = {}): string => {
  try {
    decodeCbor(hex(h), options);
  } catch (e) {
    if (e instanceof CborError) return e.code;
    throw e;
  }
  return 'accepted';
};

describe('strict decoding', () => {
  it.each([
    // Appendix A examples outside the subset.
    ['f90000', 'unsupported_type'], // half float 0.0
    ['fb3ff199999999999a', 'unsupported_type'], // 1.1
    ['c074323031332d30332d32315432303a30343a30305a', 'unsupported_type'], // tag 0
    ['f0', 'unsupported_type'], // simple(16)
    ['f8ff', 'unsupported_type'], // simple(255)
    ['5f42010243030405ff', 'indefinite_length'],
    ['9fff', 'indefinite_length'],
    ['bf61610161629f0203ffff', 'indefinite_length'],
    ['ff', 'unsupported_type'], // lone break
    ['1c', 'unsupported_type'], // reserved additional info 28
    // Truncation at every layer.
    ['', 'truncated'],
    ['19', 'truncated'],
    ['1903', 'truncated'],
    ['440102', 'truncated'],
    ['830102', 'truncated'],
    ['a2010203', 'truncated'],
    ['9bffffffffffffffff', 'length_exceeded'],
    ['9a7fffffff', 'length_exceeded'],
    // Trailing data, duplicates, bad UTF-8.
    ['0000', 'trailing_bytes'],
    ['a201020103', 'duplicate_key'],
    ['62c328', 'invalid_utf8'],
  ])('rejects %s with %s', (h, expected) => {
    expect(code(h)).toBe(expected);
  });

  it('enforces the depth limit', () => {
    expect(code('8181818101', { maxDepth: 3 })).toBe('depth_exceeded');
    expect(code('8181818101', { maxDepth: 4 })).toBe('accepted');
  });

  it('enforces the length limit before reading', () => {
    expect(code('5a00010000' + '00'.repeat(16), { maxLength: 1024 })).toBe('length_exceeded');
  });

  it('in canonical mode rejects non-minimal heads and unsorted keys', () => {
    expect(code('1801', { requireCanonical: true })).toBe('non_minimal');
    expect(code('1801')).toBe('accepted');
    expect(code('a203040102', { requireCanonical: true })).toBe('non_canonical');
    // CTAP2 order: major type before length, so 10 (0x0a) sorts before "a" and -1 (0x20) after 23.
    expect(code('a40a011702200361610 4'.replace(' ', ''), { requireCanonical: true })).toBe('accepted');
    expect(code('a4170220030a0161610 4'.replace(' ', ''), { requireCanonical: true })).toBe('non_canonical');
  });

  it('encodes maps in CTAP2 canonical key order', () => {
    const m = new Map<CborValue, CborValue>([['fmt', 1], [-1, 2], [3, 3], ['a', 4], [-257, 5], [1, 6]]);
    // ints (major 0) < negative ints (major 1) < text (major 3); shorter before longer within a type.
    expect(toHex(encodeCbor(m))).toBe('a6' + '0106' + '0303' + '2002' + '39010005' + '616104' + '63666d7401');
  });

  it('refuses values outside the subset when encoding', () => {
    expect(() => encodeCbor(1.5)).toThrow(CborError);
    expect(() => encodeCbor(new Date() as unknown as CborValue)).toThrow(CborError);
  });
});
