import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'client', 'passkeys.ts');
let cached: Promise<string> | undefined;

/** The portal's passkey script (client/passkeys.ts), built once per process in memory like the widget's. */
export function passkeyScript(): Promise<string> {
  cached ??= build({ entryPoints: [entry], bundle: true, minify: true, format: 'iife', target: ['es2020'], legalComments: 'none', write: false, logLevel: 'silent' }).then(
    (result) => result.outputFiles[0]!.text,
  );
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}

/** The portal's CSP plus its own script and same-origin fetches: for the pages that run a ceremony. */
export const PASSKEY_PAGE_CSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
