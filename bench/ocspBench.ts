import crypto from 'node:crypto';
import path from 'node:path';
import { CertID, id_pkix_ocsp_nonce, OCSPRequest, OCSPResponse, OCSPResponseStatus, Request, TBSRequest } from '@peculiar/asn1-ocsp';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate, Extension } from '@peculiar/asn1-x509';
import { openDb } from '../server/db/database.js';
import { latestCertificate } from '../server/registry/officers.js';
import { createDatabase, DEFAULT_PG_ADMIN_URL, dropTestDatabases, runPrefix } from '../tests/helpers/testDatabase.js';
import { startServer, type ServerProcess } from './serverProcess.js';
import { fmt, heading, line, percentile, runWorkers } from './stats.js';

export interface OcspFigures {
  dialect: 'sqlite' | 'postgres';
  answersPerSecond: number;
  p99Ms: number;
}

const CLIENTS = 16;
const RUN_MS = 8000;
/** A demo officer: every sandbox server issues this certificate at start. */
const NRIC = '900101011234';

/** A DER OCSPRequest for one serial of the CA, SHA-1 CertID (as OpenSSL sends), with a fresh nonce: every answer is signed anew. */
function ocspRequest(caDer: Uint8Array, serialHex: string): ArrayBuffer {
  const ca = AsnConvert.parse(caDer, Certificate);
  const sha1 = (data: ArrayBuffer | Uint8Array) => crypto.createHash('sha1').update(new Uint8Array(data)).digest();
  const certId = new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: '1.3.14.3.2.26', parameters: null }),
    issuerNameHash: new OctetString(sha1(AsnConvert.serialize(ca.tbsCertificate.subject))),
    issuerKeyHash: new OctetString(sha1(ca.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey)),
    serialNumber: new Uint8Array(Buffer.from(serialHex, 'hex')).buffer,
  });
  const nonce = AsnConvert.serialize(new OctetString(crypto.randomBytes(16)));
  const request = new OCSPRequest({
    tbsRequest: new TBSRequest({ requestList: [new Request({ reqCert: certId })], requestExtensions: [new Extension({ extnID: id_pkix_ocsp_nonce, critical: false, extnValue: new OctetString(nonce) })] }),
  });
  return AsnConvert.serialize(request);
}

async function measure(dialect: OcspFigures['dialect'], node: ServerProcess, location: string): Promise<OcspFigures> {
  const caDer = new Uint8Array(await (await fetch(`${node.baseUrl}/ca.crt`)).arrayBuffer());
  const db = await openDb(location);
  const serial = (await latestCertificate(db, NRIC).finally(() => db.close()))!.serial;
  const ask = async () => {
    const answer = await fetch(`${node.baseUrl}/ocsp`, { method: 'POST', headers: { 'Content-Type': 'application/ocsp-request' }, body: ocspRequest(caDer, serial) });
    const response = AsnConvert.parse(new Uint8Array(await answer.arrayBuffer()), OCSPResponse);
    if (answer.status !== 200 || response.responseStatus !== OCSPResponseStatus.successful) throw new Error(`OCSP answered ${answer.status}`);
  };
  await runWorkers(CLIENTS, 1500, ask);
  const run = await runWorkers(CLIENTS, RUN_MS, ask);
  const figures = { dialect, answersPerSecond: run.count / run.seconds, p99Ms: percentile(run.latenciesMs, 99) };
  line(`${dialect}: OCSP answers, ${CLIENTS} clients, nonce each (${run.count})`, fmt(figures.answersPerSecond, 0), 'answers/s');
  line('  p99', fmt(figures.p99Ms, 1), 'ms');
  return figures;
}

/** Issue 21: OCSP answers per second (POST, one certificate, a nonce each, so each answer is signed), on SQLite and PostgreSQL. */
export async function measureOcsp(): Promise<OcspFigures[]> {
  heading('OCSP responder (POST /ocsp over HTTP, signed answers)');
  const sqliteNode = await startServer();
  const sqlite = await measure('sqlite', sqliteNode, path.join(sqliteNode.dataDir, 'roamsign.db')).finally(() => sqliteNode.stop());
  process.env.ROAMSIGN_TEST_RUN = `benchocsp${crypto.randomBytes(3).toString('hex')}`;
  const url = await createDatabase(DEFAULT_PG_ADMIN_URL);
  const pgNode = await startServer({ env: { ROAMSIGN_DATABASE_URL: url } });
  try {
    const postgres = await measure('postgres', pgNode, url);
    return [sqlite, postgres];
  } finally {
    await pgNode.stop();
    await dropTestDatabases(DEFAULT_PG_ADMIN_URL, runPrefix());
  }
}
