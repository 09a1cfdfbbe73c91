/**
 * Typed CBOR failures. Every decoding problem has a stable machine code, so callers (the
 * WebAuthn ceremonies, the CTAP transport) can map it to their own error without parsing text.
 */
export type CborErrorCode =
  /** The input ended inside an item. */
  | 'truncated'
  /** Bytes remain after the single top-level item. */
  | 'trailing_bytes'
  /** Indefinite-length strings, arrays or maps (RFC 8949 §3.2); CTAP2 canonical CBOR forbids them. */
  | 'indefinite_length'
  /** Nesting deeper than `maxDepth`. */
  | 'depth_exceeded'
  /** A string, array or map longer than the configured limit, or longer than the input. */
  | 'length_exceeded'
  /** Tags, floats, reserved additional info or simple values outside false/true/null/undefined. */
  | 'unsupported_type'
  /** An integer or length not in its shortest form (CTAP2 §8 canonical encoding). */
  | 'non_minimal'
  /** A map key repeated. */
  | 'duplicate_key'
  /** Map keys not in CTAP2 canonical order (only with `requireCanonical`). */
  | 'non_canonical'
  /** A text string that is not valid UTF-8. */
  | 'invalid_utf8'
  /** A value the encoder cannot represent (fractional number, function, …). */
  | 'unencodable';

export class CborError extends Error {
  override name = 'CborError';
  readonly code: CborErrorCode;
  /** Byte offset where the problem was found (decoding only). */
  readonly offset: number | undefined;
  constructor(code: CborErrorCode, message: string, offset?: number) {
    super(offset === undefined ? message : `${message} (at byte ${offset})`);
    this.code = code;
    this.offset = offset;
  }
}
