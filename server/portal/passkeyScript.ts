import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const cached = new Map<string, Promise<string>>();

function bundle(name: 'passkeys' | 'ceremony'): Promise<string> {
  let built = cached.get(name);
  if (!built) {
    built = build({ entryPoints: [path.join(here, 'client', `${name}.ts`)], bundle: true, minify: true, format: 'iife', target: ['es2020'], legalComments: 'none', write: false, logLevel: 'silent' }).then(
      (result) => result.outputFiles[0]!.text,
    );
    built.catch(() => cached.delete(name));
    cached.set(name, built);
  }
  return built;
}

/** The portal's passkey script (client/passkeys.ts), built once per process in memory like the widget's. */
export const passkeyScript = () => bundle('passkeys');
/** The extension's ceremony popup script (client/ceremony.ts). */
export const ceremonyScript = () => bundle('ceremony');

/** The portal's CSP plus its own script and same-origin fetches: for the pages that run a ceremony. */
export const PASSKEY_PAGE_CSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
