import type { Command } from '../command.js';

/**
 * `gate --config <gate.json>`: the RoamSign Gate, its own process. It talks to RoamSign over HTTP and
 * opens no data folder; its arguments are the gate's own (gate/runGate.ts reads them).
 */
export const gate: Command = {
  name: 'gate',
  synopsis: 'gate --config <gate.json>',
  description: 'run a RoamSign Gate (same as npm run gate -- --config gate.json); see gate/examples/gate.json',
  optionLines: [`${'--config <gate.json>'.padEnd(28)} the gate's configuration: its back end, RoamSign, the approval rules`],
  prepare: (args) => async () => (await import('../../../gate/runGate.js')).runGate(args),
};
