/**
 * Refreshes the vendored Scalar API Reference bundle served at /docs/scalar.js:
 *   npx tsx scripts/vendorScalar.ts [version]
 * It packs @scalar/api-reference from the npm registry, takes its one-file browser build
 * (dist/browser/standalone.js) and stores it gzipped in server/docs/vendor/. We serve it ourselves
 * so the docs page runs no third-party script in RoamSign's origin and works offline; installing
 * the package itself would add some 300 MB of dependencies for that one file.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { SCALAR_BUNDLE } from '../server/docs/apiReference.js';

const version = process.argv[2] ?? SCALAR_BUNDLE.version;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'scalar-'));
try {
  const tarball = execFileSync('npm', ['pack', `@scalar/api-reference@${version}`, '--silent'], { cwd: work, encoding: 'utf8' }).trim();
  execFileSync('tar', ['xzf', tarball, 'package/dist/browser/standalone.js', 'package/package.json'], { cwd: work });
  const pkg = JSON.parse(fs.readFileSync(path.join(work, 'package/package.json'), 'utf8')) as { version: string; license: string };
  const js = fs.readFileSync(path.join(work, 'package/dist/browser/standalone.js'));
  const target = path.resolve('server/docs/vendor', `scalar-api-reference-${pkg.version}.js.gz`);
  fs.writeFileSync(target, zlib.gzipSync(js, { level: 9 }));
  console.log(`${target}: ${js.length} bytes (${pkg.license}); set SCALAR_BUNDLE.version to ${pkg.version} in server/docs/apiReference.ts`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
