import { runGate } from './runGate.js';

process.exitCode = await runGate(process.argv.slice(2));
