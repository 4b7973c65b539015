import { UsageError, type Command } from './command.js';
import { COMMANDS } from './commands/index.js';
import { commandHelp, usage } from './help.js';

const HELP_FLAGS = ['--help', '-h'];

/**
 * `npm run roamsign -- <command> …`: reads the arguments (node:util parseArgs), then runs the
 * command. Help and wrong arguments open nothing: the data folder is left as it is. Returns the
 * exit code: 0 done, 1 refused or failed, 2 wrong arguments.
 */
export async function runCli(args: string[], commands: readonly Command[] = COMMANDS): Promise<number> {
  const [name, ...rest] = args;
  if (!name) {
    console.error(usage(commands));
    return 2;
  }
  if (name === 'help' || HELP_FLAGS.includes(name)) {
    const about = rest[0] === undefined ? undefined : commands.find((c) => c.name === rest[0]);
    if (rest[0] !== undefined && !about) return unknownCommand(rest[0], commands);
    console.log(about ? commandHelp(about) : usage(commands));
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) return unknownCommand(name, commands);
  if (rest.some((arg) => HELP_FLAGS.includes(arg))) {
    console.log(commandHelp(command));
    return 0;
  }
  let run: () => Promise<number>;
  try {
    run = command.prepare(rest);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${command.name}: ${error.message} (npm run roamsign -- ${command.name} --help)`);
    return 2;
  }
  return run();
}

function unknownCommand(name: string, commands: readonly Command[]): number {
  console.error(`unknown command ${JSON.stringify(name)}\n\n${usage(commands)}`);
  return 2;
}
