import { loadGateConfig } from './config.js';
import { startGate } from './startGate.js';

const USAGE = `Usage: npm run gate -- --config gate.json [--port N] [--allow-unsafe]   (or: npm run roamsign -- gate --config gate.json …)

--port N listens on port N instead of the file's listen.port.

--allow-unsafe starts with rules that let anyone approve as a token officer (an officer named in
the query or a posted field with tokenOfficers "pass"), printing a warning for each.

Runs the RoamSign Gate: a reverse proxy in front of a legacy back end that lets an approval
through only with a RoamSign signature that verifies over the posted fields. See the README,
"Put the gate in front of a legacy system", and gate/examples/gate.json.`;

/** `gate --config <file>`: starts the gate and runs until SIGINT / SIGTERM. Returns the exit code. */
export async function runGate(args: string[]): Promise<number> {
  const at = args.indexOf('--config');
  const file = at >= 0 ? args[at + 1] : undefined;
  const portAt = args.indexOf('--port');
  const port = portAt >= 0 ? args[portAt + 1] : undefined;
  if (!file || args.includes('--help') || (portAt >= 0 && !/^\d{1,5}$/.test(port ?? ''))) {
    console.error(USAGE);
    return 2;
  }
  // Handlers first, before "listening" is printed: a stop that comes at once must close the gate,
  // and `on`, not `once`, so a second signal cannot kill the close either.
  let stop: () => void = () => undefined;
  const stopping = new Promise<void>((resolve) => (stop = resolve));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const done = (code: number) => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    return code;
  };
  let gate;
  try {
    const config = loadGateConfig(file, { allowUnsafe: args.includes('--allow-unsafe'), warn: (line) => console.error(line), ...(port === undefined ? {} : { port: Number(port) }) });
    gate = await startGate(config);
    const rules = config.systems.flatMap((s) => s.rules.map((r) => `    ${s.id.padEnd(12)} ${r.method.padEnd(6)} ${r.path}  (${r.id}, ${r.body})`));
    console.log(
      [
        `RoamSign Gate listening on ${gate.url}`,
        `  back end     ${config.upstream}`,
        `  RoamSign     ${config.roamsign.url}`,
        `  widget       ${config.injectWidget ? 'injected on the listed pages' : 'not injected'}`,
        `  metrics      ${gate.metricsUrl ?? 'off (config metrics: { host, port })'}`,
        '  approval rules:',
        ...rules,
      ].join('\n'),
    );
  } catch (error) {
    console.error((error as Error).message);
    return done(1);
  }
  await stopping;
  await gate.close();
  return done(0);
}
