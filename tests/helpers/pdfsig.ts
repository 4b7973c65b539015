import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface PdfsigSignature {
  field: string;
  subFilter: string;
  signatureValid: boolean;
  certificateTrusted: boolean;
  totalDocument: boolean;
  text: string;
}

/** An NSS database trusting one CA (STANDARDS.md: certutil -N, then -A with trust CT,C,C). */
export function nssTrusting(caPem: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-nss-'));
  fs.writeFileSync(path.join(dir, 'ca.pem'), caPem);
  for (const args of [['-N', '-d', `sql:${dir}`, '--empty-password'], ['-A', '-d', `sql:${dir}`, '-n', 'roamsign', '-t', 'CT,C,C', '-i', path.join(dir, 'ca.pem')]]) {
    const run = spawnSync('certutil', args, { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`certutil ${args[0]}: ${run.stderr}`);
  }
  return dir;
}

/** poppler's pdfsig on a PDF with the CA trusted: each signature as pdfsig reports it. */
/**
 * poppler's pdfsig, run asynchronously: officer certificates name RoamSign's OCSP responder (AIA),
 * and NSS asks it, so the server under test (in this same process) must be free to answer.
 */
export async function pdfsig(pdf: Uint8Array, nssDir: string): Promise<{ signatures: PdfsigSignature[]; output: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-pdfsig-'));
  const file = path.join(dir, 'doc.pdf');
  fs.writeFileSync(file, pdf);
  const run = await new Promise<{ stdout: string; stderr: string }>((resolve) =>
    execFile('pdfsig', ['-nssdir', `sql:${nssDir}`, file], { encoding: 'utf8' }, (_error, stdout, stderr) => resolve({ stdout, stderr })),
  );
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
  const blocks = output.split(/^Signature #\d+:$/m).slice(1);
  return {
    output,
    signatures: blocks.map((text) => ({
      field: /Signature Field Name: (.*)/.exec(text)?.[1]?.trim() ?? '',
      subFilter: /Signature Type: (.*)/.exec(text)?.[1]?.trim() ?? '',
      signatureValid: /Signature Validation: Signature is Valid\./.test(text),
      certificateTrusted: /Certificate Validation: Certificate is Trusted\./.test(text),
      totalDocument: /Total document signed/.test(text),
      text,
    })),
  };
}

/** One DER value's bytes without the zero padding of a /Contents placeholder. */
function derOnly(bytes: Buffer): Buffer {
  const first = bytes[1]!;
  if (first < 0x80) return bytes.subarray(0, 2 + first);
  const count = first & 0x7f;
  return bytes.subarray(0, 2 + count + bytes.readUIntBE(2, count));
}

/** Each signature's /Contents as pdfsig -dump writes it (DER CMS, or a time-stamp token), padding cut. */
export function pdfsigDump(pdf: Uint8Array): Buffer[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-pdfsig-'));
  const file = path.join(dir, 'doc.pdf');
  fs.writeFileSync(file, pdf);
  const run = spawnSync('pdfsig', ['-dump', file], { cwd: dir, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`pdfsig -dump: ${run.stderr}`);
  return fs
    .readdirSync(dir)
    .filter((name) => /\.sig\d+$/.test(name))
    .sort((a, b) => Number(/(\d+)$/.exec(a)?.[1]) - Number(/(\d+)$/.exec(b)?.[1]))
    .map((name) => derOnly(fs.readFileSync(path.join(dir, name))));
}

/** qpdf --check: true when qpdf finds no syntax or stream errors. */
export function qpdfCheck(pdf: Uint8Array): { ok: boolean; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-qpdf-'));
  const file = path.join(dir, 'doc.pdf');
  fs.writeFileSync(file, pdf);
  const run = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
  return { ok: run.status === 0 && /No syntax or stream encoding errors found/.test(output), output };
}

/** qpdf --linearize: the "Fast Web View" file many report generators write. */
export function qpdfLinearize(pdf: Uint8Array): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-qpdf-'));
  const [input, output] = [path.join(dir, 'in.pdf'), path.join(dir, 'out.pdf')];
  fs.writeFileSync(input, pdf);
  const run = spawnSync('qpdf', ['--linearize', input, output], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`qpdf --linearize: ${run.stderr}`);
  const linearized = fs.readFileSync(output);
  fs.rmSync(dir, { recursive: true, force: true });
  return linearized;
}

/** qpdf --check-linearization: whether the file is linearized, without errors. */
export function isLinearized(pdf: Uint8Array): boolean {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-qpdf-'));
  const file = path.join(dir, 'doc.pdf');
  fs.writeFileSync(file, pdf);
  const run = spawnSync('qpdf', ['--check-linearization', file], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  return run.status === 0 && /no linearization errors/.test(run.stdout ?? '');
}
