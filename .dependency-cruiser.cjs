/**
 * The house's import rules (issue 19, STYLE.md "imports point down only"), checked by
 * tests/architecture/dependencies.test.ts under `npm test`, or by hand:
 *   npx depcruise server shared gate widget
 *
 * 1. No circle, of files (type-only imports count: a reader follows them too).
 * 2. Only the composition root's callers (routes, CLI, app, main) see server/services.ts: every
 *    other module takes narrow dependencies (signing/deps.ts, portal/deps.ts, passkeys/deps.ts, …).
 * 3. Layers: a module imports only from its own layer or the layers below it. Lowest first;
 *    every server module that imports anything has a layer.
 */

/** server/ folders and files by layer, lowest first (a path is a folder unless it ends in .ts). */
const LAYERS = [
  ['shared'],
  ['server/db', 'server/env.ts', 'server/log.ts', 'server/dataFolder.ts', 'server/startupProblem.ts', 'server/publicUrlRecord.ts', 'server/cms', 'server/widget', 'server/docs'],
  ['server/audit', 'server/vault', 'server/limits', 'server/notify', 'server/registry'],
  ['server/ca', 'server/ocsp', 'server/clients', 'server/otp', 'server/pin', 'server/http', 'server/ops', 'server/pdf'],
  ['server/enrolment', 'server/passkeys', 'server/demo', 'server/metrics', 'server/tsa'],
  ['server/cluster'],
  ['server/lifecycle', 'server/mobile', 'server/portal', 'server/backup', 'server/config'],
  ['server/signing'],
  ['server/approvals', 'server/pdfs'],
  ['server/services.ts'],
  ['server/routes', 'server/cli'],
  ['server/app.ts', 'server/warmUp.ts'],
  ['server/main.ts', 'server/cli.ts', 'server/client.ts'],
];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const pattern = (paths) => `^(${paths.map((p) => (p.endsWith('.ts') ? `${escape(p)}$` : `${escape(p)}/`)).join('|')})`;

const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${i}-imports-down`,
  comment: `${layer.join(', ')} may import only from layers 0-${i} (.dependency-cruiser.cjs LAYERS): this import runs back up.`,
  severity: 'error',
  from: { path: pattern(layer) },
  to: { path: pattern(LAYERS.slice(i + 1).flat()) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Files that import each other in a loop: split what both need into a module below them.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'services-is-the-composition-root',
      comment: 'Only routes, the CLI, app.ts and main.ts see the whole Services object; a domain module takes narrow deps.',
      severity: 'error',
      from: { path: '^server/', pathNot: '^server/(routes/|cli/|app\\.ts$|main\\.ts$|services\\.ts$)' },
      to: { path: '^server/services\\.ts$' },
    },
    {
      name: 'every-server-module-has-a-layer',
      comment: 'A server module outside LAYERS escapes the layer rules: add its folder or file to LAYERS (.dependency-cruiser.cjs).',
      severity: 'error',
      from: { path: '^server/', pathNot: pattern(LAYERS.flat()) },
      to: {},
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
