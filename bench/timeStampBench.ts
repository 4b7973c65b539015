import crypto from 'node:crypto';
import { x509 } from '../server/ca/x509Setup.js';
import { createCmsBatch } from '../server/cms/batchSigner.js';
import { openDb } from '../server/db/database.js';
import { timeStampSignatures } from '../server/signing/timeStampSignatures.js';
import { signTimeStampTokens } from '../server/tsa/signTimeStampTokens.js';
import { embeddedTimeStamper } from '../server/tsa/timeStamper.js';
import { createSoftVault } from '../server/vault/softVault.js';
import { RSA_SIGN_ALGORITHM } from '../server/vault/vault.js';
import { fmt, heading, line } from './stats.js';

const BATCH = 100;
const ROUNDS = 20;

export interface TimeStampFigures {
  /** One 100-document batch without time-stamps (CMS batch + the vault's RSA signatures), ms per signature. */
  batchMsPerSignature: number;
  /** The same with a signature time-stamp on each signature from the embedded TSA, ms per signature. */
  batchWithTimeStampsMsPerSignature: number;
  /** The time-stamps' share of the batch cost: (with - without) / without. */
  timeStampCost: number;
}

/** A self-signed certificate for a vault key (the bench's officer and TSA; the CA's signature costs nothing per document). */
async function selfSigned(vault: ReturnType<typeof createSoftVault>, algorithm: 'rsa-2048' | 'ec-p256'): Promise<{ der: Buffer; keyRef: string }> {
  const { keyRef, publicKey } = await vault.generateKey(`bench-${algorithm}`, algorithm);
  const issuer = await crypto.webcrypto.subtle.generateKey(RSA_SIGN_ALGORITHM_WITH_KEY, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '01',
    subject: 'CN=bench',
    issuer: 'CN=bench issuer',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    publicKey,
    signingKey: issuer.privateKey,
    signingAlgorithm: RSA_SIGN_ALGORITHM,
    extensions: algorithm === 'ec-p256' ? [new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.8'], true)] : [],
  });
  return { der: Buffer.from(cert.rawData), keyRef };
}

const RSA_SIGN_ALGORITHM_WITH_KEY = { ...RSA_SIGN_ALGORITHM, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) };

/**
 * Issue 20: what a signature time-stamp adds to batch signing, in process with the server's own
 * code (server/cms batch, the soft vault, the embedded TSA's token signing and the B-T step).
 */
export async function measureTimeStamps(): Promise<TimeStampFigures> {
  heading('Time-stamps on batch signatures (in-process, embedded TSA, P-256)');
  const db = await openDb(':memory:');
  const vault = createSoftVault({ db, masterKey: crypto.randomBytes(32), pinScryptN: 1024 });
  const officer = await selfSigned(vault, 'rsa-2048');
  const tsaCert = await selfSigned(vault, 'ec-p256');
  const tsa = {
    certificateDer: tsaCert.der,
    policy: '0.4.0.2023.1.1',
    issue: (requests: Parameters<typeof signTimeStampTokens>[0]['requests']) =>
      signTimeStampTokens({ signer: { certificateDer: tsaCert.der, sign: (items) => vault.sign(tsaCert.keyRef, items) }, policy: '0.4.0.2023.1.1', genTime: new Date(), requests }),
  };
  const timeStamper = embeddedTimeStamper(tsa, []);

  async function batch(withTimeStamps: boolean): Promise<void> {
    const digests = Array.from({ length: BATCH }, () => crypto.randomBytes(32));
    const cms = createCmsBatch(officer.der, new Date(), digests);
    const signatures = await vault.sign(officer.keyRef, cms.toBeSigned);
    const cmsList = cms.assemble(signatures);
    if (withTimeStamps) await timeStampSignatures({ timeStamper, cmsList, signatureValues: signatures, profiles: [] });
  }
  async function msPerSignature(withTimeStamps: boolean): Promise<number> {
    const started = performance.now();
    for (let i = 0; i < ROUNDS; i++) await batch(withTimeStamps);
    return (performance.now() - started) / (ROUNDS * BATCH);
  }
  // Warm-up, then the two alternately (the machine's other load hits both alike).
  await msPerSignature(true);
  await msPerSignature(false);
  let without = 0;
  let withTs = 0;
  for (let i = 0; i < 3; i++) {
    without += await msPerSignature(false);
    withTs += await msPerSignature(true);
  }
  without /= 3;
  withTs /= 3;
  await db.close();
  const figures = { batchMsPerSignature: without, batchWithTimeStampsMsPerSignature: withTs, timeStampCost: (withTs - without) / without };
  line(`${BATCH}-document batch, no time-stamps (B-B)`, fmt(without, 3), 'ms/signature');
  line(`${BATCH}-document batch, a time-stamp each (B-T)`, fmt(withTs, 3), 'ms/signature');
  line('time-stamps\' share of the batch cost', fmt(figures.timeStampCost * 100, 1), '%');
  return figures;
}
