import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CborError, decodeCbor, decodeCborPrefix, encodeCbor, type CborValue } from '../src/index.ts';

/** Arbitrary values of the supported data model, nested a few levels, maps with int and text keys. */
const leaf: fc.Arbitrary<CborValue> = fc.oneof(
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n }),
  fc.bigInt({ min: -(2n ** 64n), max: -(2n ** 53n) - 1n }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.uint8Array({ maxLength: 64 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);

const { value } = fc.letrec<{ value: CborValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 6 }),
    fc
      .uniqueArray(fc.tuple(fc.oneof(fc.integer({ min: -300, max: 300 }), fc.string({ maxLength: 8 })), tie('value')), { maxLength: 6, selector: ([k]) => `${typeof k}:${k}` })
      .map((entries) => new Map<CborValue, CborValue>(entries)),
  ),
}));

describe('CBOR properties', () => {
  it('decode(encode(v)) equals v, and the encoding is canonical', () => {
    fc.assert(
      fc.property(value, (v) => {
        const bytes = encodeCbor(v);
        const back = decodeCbor(bytes, { requireCanonical: true, maxDepth: 64 });
        expect(back).toEqual(v);
        expect(encodeCbor(back)).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it('every proper prefix of an encoding is rejected as truncated', () => {
    fc.assert(
      fc.property(value, (v) => {
        const bytes = encodeCbor(v);
        for (let n = 0; n < bytes.length; n++) {
          try {
            decodeCbor(bytes.subarray(0, n), { maxDepth: 64 });
            return false;
          } catch (e) {
            if (!(e instanceof CborError) || e.code !== 'truncated') return false;
          }
        }
        return true;
      }),
      { numRuns: 200 },
    );
  });

  it('trailing bytes are rejected by decodeCbor and measured by decodeCborPrefix', () => {
    fc.assert(
      fc.property(value, fc.uint8Array({ minLength: 1, maxLength: 8 }), (v, extra) => {
        const bytes = encodeCbor(v);
        const joined = new Uint8Array([...bytes, ...extra]);
        expect(() => decodeCbor(joined, { maxDepth: 64 })).toThrow(expect.objectContaining({ code: 'trailing_bytes' }));
        expect(decodeCborPrefix(joined, { maxDepth: 64 }).length).toBe(bytes.length);
      }),
      { numRuns: 200 },
    );
  });

  it('arbitrary bytes either decode or fail with a CborError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeCbor(bytes, { maxLength: 4096 });
        } catch (e) {
          expect(e).toBeInstanceOf(CborError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
