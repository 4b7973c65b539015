/**
 * A child process of bench/pdfBench.ts: signs and validates one large PDF (the file named by
 * argv[2]) and prints, as JSON, the process's resident memory before it read the file and its
 * high-water mark (getrusage maxRSS) after: what one large PDF costs a server process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../server/env.js';
import { signPdf } from '../server/pdf/signPdf.js';
import { verifyPdf } from '../server/pdfs/index.js';
import { latestCertificate } from '../server/registry/officers.js';
import { createServices } from '../server/services.js';
import { makeVoucherPdf } from '../tests/helpers/voucherPdf.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-bench-pdfmem-'));
const services = await createServices(parseConfig({ ROAMSIGN_SANDBOX: '1', ROAMSIGN_DATA_DIR: dataDir, ROAMSIGN_LOG_LEVEL: 'silent', ROAMSIGN_PIN_SCRYPT_N: '1024' }));
const cert = (await latestCertificate(services.db, '900101011234'))!;
const sign = async (pdf: Uint8Array) => {
  const result = await signPdf({ pdf, vault: services.vault, certificate: { der: cert.der, keyRef: cert.keyRef }, signingTime: new Date(), placement: { page: 1, x: 360, y: 60, width: 200, height: 80 }, stamp: { heading: 'Tandatangan digital', name: 'Aminah binti Abdullah', lines: ['JANM Negeri Perlis'], link: 'http://localhost:8787/pdf/v/pdf_bench' } });
  if (!result.ok) throw new Error(result.message);
  return result.pdf;
};
// Warm-up on a small voucher, so the baseline holds the code and not the first PDF's cost.
await verifyPdf(services.pdfs, await sign(await makeVoucherPdf({ kind: 'baucar-bayaran', number: 'WARM' })));
const baseline = process.memoryUsage().rss;
const started = performance.now();
const signed = await sign(fs.readFileSync(process.argv[2]!));
const signMs = performance.now() - started;
const report = await verifyPdf(services.pdfs, signed);
const peak = process.resourceUsage().maxRSS * 1024;
await services.close();
fs.rmSync(dataDir, { recursive: true, force: true });
console.log(JSON.stringify({ baseline, peak, signMs, valid: report.valid }));
