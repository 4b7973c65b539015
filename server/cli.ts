import { restrictNewFiles } from './dataFolder.js';
import { runCli } from './cli/runCli.js';

// `npm run roamsign -- <command>`: the operator's commands, one file each in server/cli/commands/.
restrictNewFiles();
process.exitCode = await runCli(process.argv.slice(2));
