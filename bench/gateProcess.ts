/**
 * A child of `npm run bench` (gate section): `backend` runs the test legacy back end, `gate
 * <upstream> <roamsign>` a RoamSign Gate in front of it, each in its own process as deployed.
 * Prints `LISTENING <url>` once ready.
 */
import { startGate } from '../gate/startGate.js';
import { testGateConfig } from '../tests/gate/gateSetup.js';
import { startLegacyBackend } from '../tests/gate/legacyBackend.js';

const [role, upstream, roamsign] = process.argv.slice(2);
if (role === 'backend') {
  const backend = await startLegacyBackend();
  // Only the bench's approvals are posted; keep no history (memory stays flat over the run).
  setInterval(() => backend.received.splice(0), 1000).unref();
  console.log(`LISTENING ${backend.url}`);
} else if (role === 'gate' && upstream && roamsign) {
  const gate = await startGate(testGateConfig({ upstream, roamsign }));
  console.log(`LISTENING ${gate.url}`);
} else {
  console.error('usage: gateProcess.ts backend | gate <upstream> <roamsign>');
  process.exit(2);
}
