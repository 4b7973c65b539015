import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../server/env.js';
import { signPdf } from '../server/pdf/signPdf.js';
import { verifyPdf } from '../server/pdfs/index.js';
import { latestCertificate } from '../server/registry/officers.js';
import { createServices } from '../server/services.js';
import { makeVoucherPdf } from '../tests/helpers/voucherPdf.js';
import { fmt, heading, line, percentile } from './stats.js';

export interface PdfFigures {
  /** Signing a 20-page voucher in one go (prepare revision + stamp, PAdES CMS through the vault, embed). */
  signP50Ms: number;
  signP95Ms: number;
  /** Validation report of a voucher with three signatures. */
  verifyP50Ms: number;
  /** The 50 MB PDF: its size, its signing time and the resident memory it added to a fresh process (sign + validate). */
  bigBytes: number;
  bigSignMs: number;
  bigPeakExtraBytes: number;
}

/** Runs bench/pdfMemory.ts in a fresh process on `file`: its baseline and peak RSS, and its signing time. */
function memoryOfOneLargePdf(file: string): { baseline: number; peak: number; signMs: number; valid: boolean } {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'pdfMemory.ts'), file], { encoding: 'utf8', cwd: path.join(here, '..') });
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  if (run.status !== 0 || !last.startsWith('{')) throw new Error(`pdfMemory.ts failed: ${run.stderr}`);
  return JSON.parse(last) as { baseline: number; peak: number; signMs: number; valid: boolean };
}

/**
 * Issue 25's bench: the time to sign a 20-page voucher PDF (p50/p95) and the memory a 50 MB PDF
 * costs, measured in-process with the server's own modules over a real soft vault and CA.
 */
export async function measurePdf(): Promise<PdfFigures> {
  heading('PDF signing (PAdES, in-process: libpdf revision + server/cms + soft vault)');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-bench-pdf-'));
  const config = parseConfig({ ROAMSIGN_SANDBOX: '1', ROAMSIGN_DATA_DIR: dataDir, ROAMSIGN_LOG_LEVEL: 'silent', ROAMSIGN_PIN_SCRYPT_N: '1024' });
  const services = await createServices(config);
  try {
    const officers = ['900101011234', '880202025678'];
    const certs = await Promise.all(officers.map(async (nric) => (await latestCertificate(services.db, nric))!));
    const sign = async (pdf: Uint8Array, i: number, placement?: { page: number; x: number; y: number; width: number; height: number }) => {
      const cert = certs[i % certs.length]!;
      const result = await signPdf({
        pdf,
        vault: services.vault,
        certificate: { der: cert.der, keyRef: cert.keyRef },
        signingTime: new Date(),
        placement: placement ?? { page: 20, x: 40 + (i % 3) * 180, y: 60, width: 170, height: 80 },
        stamp: { heading: 'Tandatangan digital / Digital signature', name: 'Aminah binti Abdullah', lines: ['JANM Negeri Perlis', '8 Dis 2026, 4:00:00 PTG (MYT)', `Rujukan / Ref: pdf_bench_${i}`], link: `http://localhost:8787/pdf/v/pdf_bench_${i}` },
      });
      if (!result.ok) throw new Error(result.message);
      return result.pdf;
    };

    const voucher = await makeVoucherPdf({ kind: 'baucar-bayaran', number: 'BB-2026-BENCH', pages: 20 });
    for (let i = 0; i < 5; i++) await sign(voucher, i); // warm-up
    const signMs: number[] = [];
    for (let i = 0; i < 60; i++) {
      const started = performance.now();
      await sign(voucher, i);
      signMs.push(performance.now() - started);
    }
    line(`sign a 20-page voucher (${fmt(voucher.byteLength / 1024, 0)} KB), 1 at a time, p50`, fmt(percentile(signMs, 50), 1), 'ms');
    line('sign a 20-page voucher, p95', fmt(percentile(signMs, 95), 1), 'ms');

    let three: Uint8Array = voucher;
    for (let i = 0; i < 3; i++) three = await sign(three, i);
    const verifyMs: number[] = [];
    for (let i = 0; i < 15; i++) {
      const started = performance.now();
      const report = await verifyPdf(services.pdfs, three);
      verifyMs.push(performance.now() - started);
      if (!report.valid) throw new Error('bench voucher does not validate');
    }
    line('validation report, 20 pages, 3 signatures, p50', fmt(percentile(verifyMs, 50), 1), 'ms');

    // The 50 MB case in a process of its own: its high-water mark is the PDF's cost alone.
    const big = await makeVoucherPdf({ kind: 'pesanan-tempatan', number: 'PT-2026-BIG', pages: 2, padToBytes: 50 * 1024 * 1024 });
    const bigFile = path.join(dataDir, 'big.pdf');
    fs.writeFileSync(bigFile, big);
    const memory = memoryOfOneLargePdf(bigFile);
    if (!memory.valid) throw new Error('50 MB PDF does not validate');
    const extra = memory.peak - memory.baseline;
    line(`50 MB PDF (${fmt(big.byteLength / 1048576, 1)} MB): sign, in a fresh process`, fmt(memory.signMs, 0), 'ms');
    line('50 MB PDF: peak RSS above the warmed-up process (sign + validate)', fmt(extra / 1048576, 0), 'MB');
    line('  as a multiple of the PDF', fmt(extra / big.byteLength, 2), 'x');
    return {
      signP50Ms: percentile(signMs, 50),
      signP95Ms: percentile(signMs, 95),
      verifyP50Ms: percentile(verifyMs, 50),
      bigBytes: big.byteLength,
      bigSignMs: memory.signMs,
      bigPeakExtraBytes: extra,
    };
  } finally {
    await services.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
