import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs the Reflect metadata polyfill loaded first
import { KeyObject, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { aaguidBytes, derToPem } from './encoding.ts';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

/** FIDO `id-fido-gen-ce-aaguid` (WebAuthn L3 §8.2.1). */
export const OID_FIDO_GEN_CE_AAGUID = '1.3.6.1.4.1.45724.1.1.4';

export interface TestCertificate {
  pem: string;
  der: Uint8Array;
  privateKey: KeyObject;
}

export interface TestAttestationCa {
  /** The self-signed root an administrator would import as a trust anchor. */
  root: TestCertificate;
  /** A batch attestation certificate for `aaguid`, issued by the root. */
  leaf: TestCertificate;
  /** x5c order for a packed statement: leaf first, root left out (WebAuthn L3 §8.2). */
  certChainPem: string[];
  /** Issues another attestation leaf (another model) under the same root. */
  issueLeaf(aaguid: string, options?: { subject?: string }): Promise<TestCertificate>;
}

/**
 * A throwaway attestation CA for tests and benches: a P-256 root and a leaf that meets WebAuthn
 * L3 §8.2.1 "Packed Attestation Statement Certificate Requirements": X.509 v3; subject C, O,
 * OU="Authenticator Attestation", CN; Basic Constraints CA=false (critical); the non-critical
 * AAGUID extension whose extnValue is an OCTET STRING holding the 16 AAGUID bytes.
 * Built with @peculiar/x509 (pure JavaScript over WebCrypto; no native build).
 */
export async function createTestAttestationCa(options: { aaguid: string; name?: string; validDays?: number }): Promise<TestAttestationCa> {
  const name = options.name ?? 'Latchkey Test';
  const validDays = options.validDays ?? 365;
  const rootKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const rootCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `C=US, O=${name}, OU=Authenticator Attestation CA, CN=${name} Attestation Root`,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 10 * 365 * DAY),
    signingAlgorithm: ALG,
    keys: rootKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const root = toTestCertificate(rootCert, rootKeys.privateKey);

  const issueLeaf = async (aaguid: string, o: { subject?: string } = {}): Promise<TestCertificate> => {
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject: o.subject ?? `C=US, O=${name}, OU=Authenticator Attestation, CN=${name} Soft Authenticator`,
      issuer: rootCert.subject,
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + validDays * DAY),
      signingAlgorithm: ALG,
      publicKey: keys.publicKey,
      signingKey: rootKeys.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.Extension(OID_FIDO_GEN_CE_AAGUID, false, new Uint8Array([0x04, 0x10, ...aaguidBytes(aaguid)])),
        await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
      ],
    });
    return toTestCertificate(cert, keys.privateKey);
  };

  const leaf = await issueLeaf(options.aaguid);
  return { root, leaf, certChainPem: [leaf.pem], issueLeaf };
}

/** A self-signed P-256 CA certificate (for MDS blob signing chains and "unknown root" tests). */
export async function createTestCa(subject: string): Promise<TestCertificate & { issue(subject: string): Promise<TestCertificate> }> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: subject,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 10 * 365 * DAY),
    signingAlgorithm: ALG,
    keys,
    extensions: [new x509.BasicConstraintsExtension(true, 1, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  return {
    ...toTestCertificate(cert, keys.privateKey),
    async issue(leafSubject: string) {
      const leafKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
      const leaf = await x509.X509CertificateGenerator.create({
        serialNumber: randomSerial(),
        subject: leafSubject,
        issuer: cert.subject,
        notBefore: new Date(Date.now() - DAY),
        notAfter: new Date(Date.now() + 365 * DAY),
        signingAlgorithm: ALG,
        publicKey: leafKeys.publicKey,
        signingKey: keys.privateKey,
        extensions: [new x509.BasicConstraintsExtension(false, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
      });
      return toTestCertificate(leaf, leafKeys.privateKey);
    },
  };
}

function toTestCertificate(cert: x509.X509Certificate, privateKey: CryptoKey): TestCertificate {
  const der = new Uint8Array(cert.rawData);
  return { pem: derToPem(der), der, privateKey: KeyObject.from(privateKey) };
}

function randomSerial(): string {
  const b = webcrypto.getRandomValues(new Uint8Array(12));
  b[0] = b[0]! & 0x7f; // positive INTEGER
  return Buffer.from(b).toString('hex');
}
