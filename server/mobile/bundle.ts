import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'app', 'main.tsx');

let cached: Promise<string> | undefined;

/** The GPKI Mobile app script (Preact), built once per process in memory (like the widget bundles). */
export function mobileAssets(): Promise<{ app: string }> {
  cached ??= build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]!.text);
  cached.catch(() => {
    cached = undefined;
  });
  return cached.then((app) => ({ app }));
}
