import crypto from 'node:crypto';
import { normaliseSerial, type CertificateAuthority } from '../ca/certificateAuthority.js';

const chainCache = new Map<string, { publicKey: crypto.KeyObject; generation: number | undefined; validFrom: number; validTo: number }>();

/** The signer certificate's key and whether the CA issued it: computed once per certificate. */
function certificateFacts(ca: CertificateAuthority, der: Buffer) {
  const key = crypto.createHash('sha256').update(der).digest('hex');
  let facts = chainCache.get(key);
  if (!facts) {
    const cert = new crypto.X509Certificate(der);
    // Any generation of the CA: a certificate issued before a roll-over signs until it expires or is renewed.
    facts = { publicKey: cert.publicKey, generation: ca.issuerOf(der)?.id, validFrom: Date.parse(cert.validFrom), validTo: Date.parse(cert.validTo) };
    if (chainCache.size > 1000) chainCache.clear();
    chainCache.set(key, facts);
  }
  return facts;
}

function verifyAsync(data: Uint8Array, key: crypto.KeyObject, signature: Uint8Array): Promise<boolean> {
  // The callback form runs in libuv's thread pool: a 500-document check does not block the event loop.
  return new Promise((resolve, reject) => crypto.verify('sha256', data, key, signature, (error, ok) => (error ? reject(error) : resolve(ok))));
}

/**
 * The verification `complete` reports for signatures it has just made (DESIGN.md steps 11–12): each
 * signature value over its signed attributes, the certificate's chain to our CA, and its status in
 * the current CRL. The CMS bytes are ours (see batchSigner), so they are not parsed back here;
 * POST /api/v1/verify is the full check of anyone's CMS.
 */
export async function checkOwnSignatures(options: {
  ca: CertificateAuthority;
  certificateDer: Buffer;
  certificateSerial: string;
  toBeSigned: Uint8Array[];
  signatures: Uint8Array[];
  now: number;
}): Promise<boolean> {
  const facts = certificateFacts(options.ca, options.certificateDer);
  if (facts.generation === undefined || options.now < facts.validFrom || options.now > facts.validTo) return false;
  const crl = await options.ca.currentCrl(facts.generation);
  if (crl.revoked.has(normaliseSerial(options.certificateSerial))) return false;
  const checks = await Promise.all(options.signatures.map((signature, i) => verifyAsync(options.toBeSigned[i]!, facts.publicKey, signature)));
  return checks.every(Boolean);
}
