import { parseArgs, type ParseArgsConfig } from 'node:util';

type OptionConfig = NonNullable<ParseArgsConfig['options']>[string];

/** One `--option` of a command: node:util parseArgs's own description, with its help. */
export type CliOption = OptionConfig & {
  /** What it does, for `<command> --help`. */
  help: string;
  /** The value's name in the synopsis, e.g. `<code>` or `admin|sap|sa|ap`. */
  value?: string;
  /** Must be given (a string option). */
  required?: boolean;
};

type CliOptions = Readonly<Record<string, CliOption>>;

/** The option values parseArgs hands back for these options, typed. */
export type OptionValues<O extends CliOptions> = ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>['values'];

/** A wrong argument: said in one line (what is wrong, where the help is), exit 2, nothing opened. */
export class UsageError extends Error {}

/** What a command module declares: its help, and how to read and then run it. */
export interface CommandSpec<O extends CliOptions, I> {
  name: string;
  /** Its arguments in order: `<required>`, `[optional]`. */
  args: readonly string[];
  options: O;
  /** The synopsis when the one built from args and options does not say it (options that exclude each other). */
  synopsis?: string;
  /** What it does (the command list shows it under the synopsis; `--help` shows it whole). */
  description: string;
  /**
   * Turns the arguments into the command's input, or throws UsageError. Runs before anything is
   * opened, so a mistyped command leaves the data folder as it was.
   */
  parse(positionals: string[], values: OptionValues<O>): I;
  /** Does it; returns the exit code (0 done, 1 refused or failed). */
  run(input: I): Promise<number>;
}

/** A command, ready for the runner: its help, and `prepare` (read the arguments, then run). */
export interface Command {
  name: string;
  /** `name <args> [--options]`. */
  synopsis: string;
  description: string;
  /** `--name <value>  help` lines. */
  optionLines: string[];
  /** Reads the arguments (throws UsageError); what it returns runs the command. */
  prepare(args: string[]): () => Promise<number>;
}

/** Declares a command: its arguments are read with node:util parseArgs (strict: an unknown option is an error). */
export function defineCommand<const O extends CliOptions, I>(spec: CommandSpec<O, I>): Command {
  const optionSynopsis = Object.entries(spec.options).map(([name, option]) => {
    const flag = option.type === 'boolean' ? `--${name}` : `--${name} ${option.value ?? '<value>'}`;
    return option.required ? flag : `[${flag}]`;
  });
  const synopsis = spec.synopsis ?? [spec.name, ...spec.args, ...optionSynopsis].join(' ');
  const required = spec.args.filter((arg) => arg.startsWith('<'));
  return {
    name: spec.name,
    synopsis,
    description: spec.description,
    optionLines: Object.entries(spec.options).map(([name, option]) => {
      const flag = `--${name}${option.type === 'string' ? ` ${option.value ?? '<value>'}` : ''}`;
      return `${flag.padEnd(28)} ${option.help}`;
    }),
    prepare(args) {
      const options = Object.fromEntries(Object.entries(spec.options).map(([name, option]) => [name, { type: option.type, ...(option.short ? { short: option.short } : {}), ...(option.default !== undefined ? { default: option.default } : {}) }]));
      let parsed: { values: Record<string, unknown>; positionals: string[] };
      try {
        parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
      } catch (error) {
        // parseArgs says what it refused (an unknown option, a missing value) in its first sentence.
        throw new UsageError((error as Error).message.split(/\.\s|\n/)[0]!);
      }
      const { positionals, values } = parsed;
      if (positionals.length < required.length) throw new UsageError(`missing ${required.slice(positionals.length).join(' ')}`);
      if (positionals.length > spec.args.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[spec.args.length])}`);
      for (const [name, option] of Object.entries(spec.options)) {
        if (option.required && values[name] === undefined) throw new UsageError(`missing --${name} ${option.value ?? '<value>'}`);
      }
      const input = spec.parse(positionals, values as OptionValues<O>);
      return () => spec.run(input);
    },
  };
}

/** A UsageError unless `value` is one of `allowed`. */
export function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${what} ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
  return value as T;
}
