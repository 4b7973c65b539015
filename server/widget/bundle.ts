import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface WidgetAssets {
  /** The loader a legacy page includes with one script tag. */
  loader: string;
  /** The Preact dialog that runs in the frame. */
  frame: string;
  /** The loader's page-side helpers (document reading, request bodies, the tab's dim layer), loaded beside the frame. */
  page: string;
}

async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [path.join(root, entry)],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

let cached: Promise<WidgetAssets> | undefined;

/** Builds the widget bundles once per process (esbuild, in memory, well under a second). */
export function widgetAssets(): Promise<WidgetAssets> {
  cached ??= Promise.all([bundle('widget/loader.ts'), bundle('widget/dialog/main.tsx'), bundle('widget/page.ts')]).then(([loader, frame, page]) => ({ loader, frame, page }));
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}
