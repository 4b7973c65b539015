/**
 * `npm run build:server`: the server (and the gate) as plain JavaScript in dist/prod, for
 * `npm run start:prod`. `npm start` runs the TypeScript through tsx, which compiles each module on
 * first use: a cold server then answers its first seconds of requests late (issue 22).
 *
 * The tree keeps the repository's layout, so every path a module computes from its own place
 * (migrations, the API reference's try-it script and the docs it serves, the widget, GPKI Mobile and passkey sources the server
 * bundles in memory at start) resolves the same way: each `.ts` is transpiled to a `.js` beside a
 * copy of its source. Packages resolve from the repository's node_modules (a parent folder).
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

// An argument names another folder (the tests build their own); it must sit inside the repository.
const OUT = path.resolve(process.argv[2] ?? 'dist/prod');
/** Copied whole: what runs, and the sources the server itself bundles for browsers. */
const TREES = ['server', 'shared', 'gate', 'widget', 'docs'];
/** Browser code the server bundles at run time from source: copied, not transpiled for node. */
const BROWSER_ONLY = [/^server\/mobile\/app\//, /^server\/portal\/client\//, /^server\/docs\/client\//, /^widget\//];

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.relative('.', path.join(e.parentPath, e.name)));
}

fs.rmSync(OUT, { recursive: true, force: true });
for (const tree of TREES) fs.cpSync(tree, path.join(OUT, tree), { recursive: true });
// "type": "module" and the version the health route reports.
fs.copyFileSync('package.json', path.join(OUT, 'package.json'));

const entryPoints = TREES.flatMap(filesUnder).filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts') && !BROWSER_ONLY.some((re) => re.test(f)));
const started = performance.now();
await build({ entryPoints, outdir: OUT, outbase: '.', format: 'esm', platform: 'node', target: 'node20', supported: { 'import-attributes': true }, bundle: false, sourcemap: 'linked', logLevel: 'warning' });
console.log(`dist/prod: ${entryPoints.length} modules transpiled in ${Math.round(performance.now() - started)} ms; start with npm run start:prod`);
