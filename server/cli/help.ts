import type { Command } from './command.js';

const WIDTH = 100;
const COLUMN = 31;

/** `text` cut into lines of at most `width` characters (at spaces), each after `indent`. */
function wrap(text: string, indent: string, width = WIDTH): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

/** The whole usage: how to call, then every command with what it does. */
export function usage(commands: readonly Command[]): string {
  const list = commands.flatMap((command) => {
    const head = `  ${command.synopsis}`;
    const text = wrap(command.description, ' '.repeat(COLUMN));
    // The description starts beside a short synopsis, under a long one.
    if (head.length < COLUMN - 1) return [head.padEnd(COLUMN) + text[0]!.trimStart(), ...text.slice(1)];
    return [head, ...text];
  });
  return [
    'Usage: npm run roamsign -- <command> [arguments]   (reads the same environment as the server, e.g. ROAMSIGN_DATA_DIR)',
    '       npm run roamsign -- <command> --help        (one command: its arguments and options)',
    '',
    ...list,
  ].join('\n');
}

/** One command's help: its synopsis, what it does, its options. */
export function commandHelp(command: Command): string {
  return [
    `Usage: npm run roamsign -- ${command.synopsis}`,
    '',
    ...wrap(command.description.charAt(0).toUpperCase() + command.description.slice(1), ''),
    ...(command.optionLines.length ? ['', 'Options:', ...command.optionLines.map((line) => `  ${line}`)] : []),
  ].join('\n');
}
