import { createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { kid, kids, parseXml, XmlError, type XmlElement } from './xml.ts';
import { validateTokenFields } from './validate.ts';
import type { ImportIssue, ParsedFile, ParsedToken } from './csv.ts';

/** RFC 6030 namespaces and algorithm identifiers. */
export const PSKC_NS = 'urn:ietf:params:xml:ns:keyprov:pskc';
export const XENC_NS = 'http://www.w3.org/2001/04/xmlenc#';
export const AES128_CBC = 'http://www.w3.org/2001/04/xmlenc#aes128-cbc';
export const HMAC_SHA1 = 'http://www.w3.org/2000/09/xmldsig#hmac-sha1';
const TOTP_ALGORITHMS = new Set([
  'urn:ietf:params:xml:ns:keyprov:pskc:totp',
  'urn:ietf:params:xml:ns:keyprov:pskc#totp',
  'http://www.ietf.org/keyprov/pskc#totp',
]);
const HOTP_ALGORITHMS = new Set([
  'urn:ietf:params:xml:ns:keyprov:pskc:hotp',
  'urn:ietf:params:xml:ns:keyprov:pskc#hotp',
  'http://www.ietf.org/keyprov/pskc#hotp',
]);
const SUITES: Record<string, string> = { 'HMAC-SHA1': 'hmacsha1', 'HMAC-SHA256': 'hmacsha256', 'HMAC-SHA512': 'hmacsha512' };

/**
 * PSKC (RFC 6030) key containers as vendors ship them (Token2, Yubico, Feitian): TOTP keys with
 * the secret in `<PlainValue>` (base64) or encrypted with a pre-shared key (§6.1: AES-128-CBC,
 * IV prepended to the ciphertext, and a MAC key encrypted the same way; `<ValueMAC>` is
 * HMAC-SHA1 over IV ‖ ciphertext, §6.1.1). A wrong key is detected by the MAC, never guessed
 * from padding. Every KeyPackage is checked and each problem reported with its line.
 */
export function parsePskc(text: string, preSharedKey?: Uint8Array): ParsedFile {
  const tokens: ParsedToken[] = [];
  const issues: ImportIssue[] = [];
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (e) {
    if (e instanceof XmlError) return { tokens, issues: [{ line: e.line, reason: `not well-formed XML: ${e.message}` }] };
    throw e;
  }
  if (root.local !== 'KeyContainer' || root.ns !== PSKC_NS)
    return { tokens, issues: [{ line: root.line, reason: `the root element must be <KeyContainer xmlns="${PSKC_NS}">` }] };
  if (root.attrs.get('Version') !== '1.0') issues.push({ line: root.line, reason: 'KeyContainer Version must be "1.0" (RFC 6030 §4)' });

  let macKey: Buffer | undefined;
  const macMethod = kid(root, 'MACMethod', PSKC_NS);
  if (macMethod) {
    if (macMethod.attrs.get('Algorithm') !== HMAC_SHA1) issues.push({ line: macMethod.line, reason: `MACMethod must be ${HMAC_SHA1}` });
    else if (!preSharedKey) issues.push({ line: macMethod.line, reason: 'the file is encrypted: give the pre-shared key (--psk HEX)' });
    else {
      const r = decryptValue(kid(macMethod, 'MACKey', PSKC_NS), preSharedKey);
      if ('error' in r) issues.push({ line: r.line, reason: `MACKey: ${r.error}` });
      else macKey = r.value;
    }
  }
  const packages = kids(root, 'KeyPackage', PSKC_NS);
  if (packages.length === 0) issues.push({ line: root.line, reason: 'the container holds no KeyPackage' });
  for (const pkg of packages) {
    const r = readPackage(pkg, preSharedKey, macKey, !!macMethod);
    if ('reason' in r) issues.push(r);
    else tokens.push(r);
  }
  return { tokens, issues };
}

function readPackage(
  pkg: XmlElement,
  psk: Uint8Array | undefined,
  macKey: Buffer | undefined,
  macDeclared: boolean,
): ParsedToken | ImportIssue {
  const dev = kid(pkg, 'DeviceInfo', PSKC_NS);
  const key = kid(pkg, 'Key', PSKC_NS);
  const serial = kid(dev, 'SerialNo', PSKC_NS)?.text.trim() || key?.attrs.get('Id') || '';
  const at = (el: XmlElement | undefined, reason: string): ImportIssue => ({
    line: (el ?? pkg).line,
    ...(serial ? { serialNumber: serial } : {}),
    reason,
  });
  if (!key) return at(pkg, 'KeyPackage has no Key');
  const algorithm = key.attrs.get('Algorithm') ?? '';
  if (HOTP_ALGORITHMS.has(algorithm)) return at(key, 'HOTP keys are not supported: OATH TOTP only (entra-spec §6.1)');
  if (!TOTP_ALGORITHMS.has(algorithm)) return at(key, `unsupported key algorithm "${algorithm}"`);
  const params = kid(key, 'AlgorithmParameters', PSKC_NS);
  const fmt = kid(params, 'ResponseFormat', PSKC_NS);
  if (fmt && (fmt.attrs.get('Encoding') ?? 'DECIMAL') !== 'DECIMAL') return at(fmt, 'ResponseFormat Encoding must be DECIMAL');
  const digits = fmt?.attrs.get('Length') ? Number(fmt.attrs.get('Length')) : 6;
  const suiteText = kid(params, 'Suite', PSKC_NS)?.text.trim();
  const suite = suiteText ? SUITES[suiteText.toUpperCase()] : 'hmacsha1';
  if (!suite) return at(kid(params, 'Suite', PSKC_NS), `unsupported Suite "${suiteText}"`);
  const data = kid(key, 'Data', PSKC_NS);
  const secretEl = kid(data, 'Secret', PSKC_NS);
  if (!secretEl) return at(data ?? key, 'Key has no Data/Secret');
  let secret: Buffer;
  const plain = kid(secretEl, 'PlainValue', PSKC_NS);
  const enc = kid(secretEl, 'EncryptedValue', PSKC_NS);
  if (plain) {
    if (macDeclared) return at(plain, 'a plain secret in a MAC-protected container');
    const b = strictBase64(plain.text);
    if (!b) return at(plain, 'PlainValue is not base64');
    secret = b;
  } else if (enc) {
    if (!psk) return at(enc, 'the secret is encrypted: give the pre-shared key (--psk HEX)');
    if (!macKey) return at(enc, 'an encrypted secret needs a MACMethod with a MACKey (RFC 6030 §6.1.1)');
    const macEl = kid(secretEl, 'ValueMAC', PSKC_NS);
    const cipher = strictBase64(kid(kid(enc, 'CipherData', XENC_NS), 'CipherValue', XENC_NS)?.text ?? '');
    const mac = strictBase64(macEl?.text ?? '');
    if (!cipher || !mac) return at(enc, 'EncryptedValue needs CipherData/CipherValue and a ValueMAC (base64)');
    const expected = createHmac('sha1', macKey).update(cipher).digest();
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected))
      return at(macEl ?? enc, 'ValueMAC does not match: wrong pre-shared key, or the file was altered');
    const r = decryptValue(enc, psk);
    if ('error' in r) return at(enc, r.error);
    secret = r.value;
  } else return at(secretEl, 'Secret has neither PlainValue nor EncryptedValue');
  const intervalEl = kid(kid(data, 'TimeInterval', PSKC_NS), 'PlainValue', PSKC_NS);
  const interval = intervalEl ? Number(intervalEl.text.trim()) : 30;
  const checked = validateTokenFields({
    serialNumber: serial,
    secretBytes: secret,
    timeIntervalInSeconds: interval,
    hashFunction: suite,
    digits,
    manufacturer: kid(dev, 'Manufacturer', PSKC_NS)?.text.trim() ?? null,
    model: kid(dev, 'Model', PSKC_NS)?.text.trim() ?? null,
  });
  if (!checked.ok) return at(checked.field === 'timeIntervalInSeconds' ? intervalEl : key, checked.message);
  return { ...checked.value, line: pkg.line, upn: null };
}

/** xenc EncryptedValue / MACKey with AES-128-CBC: CipherValue = IV (16 bytes) ‖ ciphertext (PKCS#7). */
function decryptValue(el: XmlElement | undefined, psk: Uint8Array): { value: Buffer } | { error: string; line: number } {
  if (!el) return { error: 'missing', line: 0 };
  const method = kid(el, 'EncryptionMethod', XENC_NS)?.attrs.get('Algorithm');
  if (method !== AES128_CBC) return { error: `EncryptionMethod must be ${AES128_CBC}`, line: el.line };
  if (psk.length !== 16) return { error: 'the pre-shared key must be 16 bytes (32 hex digits) for AES-128-CBC', line: el.line };
  const cv = strictBase64(kid(kid(el, 'CipherData', XENC_NS), 'CipherValue', XENC_NS)?.text ?? '');
  if (!cv || cv.length < 32 || cv.length % 16 !== 0)
    return { error: 'CipherValue must be base64 of IV ‖ ciphertext (multiples of 16 bytes)', line: el.line };
  try {
    const d = createDecipheriv('aes-128-cbc', psk, cv.subarray(0, 16));
    return { value: Buffer.concat([d.update(cv.subarray(16)), d.final()]) };
  } catch {
    return { error: 'cannot decrypt: wrong pre-shared key', line: el.line };
  }
}

function strictBase64(s: string): Buffer | undefined {
  const t = s.replace(/\s+/g, '');
  if (t.length === 0 || t.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(t)) return undefined;
  return Buffer.from(t, 'base64');
}
