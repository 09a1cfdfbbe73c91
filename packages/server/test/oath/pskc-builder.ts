import { createCipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Builds PSKC (RFC 6030) files for tests, written from the RFC rather than from the importer:
 * §6.1 pre-shared key encryption (AES-128-CBC, IV prepended, xmlenc), §6.1.1 MAC key encrypted
 * with the same key and ValueMAC = HMAC-SHA1(MAC key, IV ‖ ciphertext).
 */
export interface PskcKey {
  serial: string;
  secret: Buffer;
  manufacturer?: string;
  model?: string;
  interval?: number;
  digits?: number;
  algorithm?: string;
}

const enc = (key: Buffer, data: Buffer): Buffer => {
  const iv = randomBytes(16);
  const c = createCipheriv('aes-128-cbc', key, iv);
  return Buffer.concat([iv, c.update(data), c.final()]);
};

export function buildPskc(keys: PskcKey[], psk?: Buffer): string {
  const macKey = randomBytes(20);
  const head = psk
    ? `  <EncryptionKey><ds:KeyName>Pre-shared-key</ds:KeyName></EncryptionKey>
  <MACMethod Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1">
    <MACKey>
      <xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>
      <xenc:CipherData><xenc:CipherValue>${enc(psk, macKey).toString('base64')}</xenc:CipherValue></xenc:CipherData>
    </MACKey>
  </MACMethod>\n`
    : '';
  const secretXml = (secret: Buffer) => {
    if (!psk) return `<Secret><PlainValue>${secret.toString('base64')}</PlainValue></Secret>`;
    const cv = enc(psk, secret);
    return `<Secret>
            <EncryptedValue>
              <xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>
              <xenc:CipherData><xenc:CipherValue>${cv.toString('base64')}</xenc:CipherValue></xenc:CipherData>
            </EncryptedValue>
            <ValueMAC>${createHmac('sha1', macKey).update(cv).digest('base64')}</ValueMAC>
          </Secret>`;
  };
  const packages = keys
    .map(
      (k) => `  <KeyPackage>
    <DeviceInfo><Manufacturer>${k.manufacturer ?? 'Token2'}</Manufacturer><SerialNo>${k.serial}</SerialNo><Model>${k.model ?? 'C301'}</Model></DeviceInfo>
    <Key Id="${k.serial}" Algorithm="${k.algorithm ?? 'urn:ietf:params:xml:ns:keyprov:pskc:totp'}">
      <AlgorithmParameters><ResponseFormat Length="${k.digits ?? 6}" Encoding="DECIMAL"/></AlgorithmParameters>
      <Data>
        ${secretXml(k.secret)}
        <TimeInterval><PlainValue>${k.interval ?? 30}</PlainValue></TimeInterval>
      </Data>
    </Key>
  </KeyPackage>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:xenc="http://www.w3.org/2001/04/xmlenc#">
${head}${packages}
</KeyContainer>
`;
}
