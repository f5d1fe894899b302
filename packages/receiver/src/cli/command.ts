import type { ParseArgsConfig } from 'node:util';
import type { AppConfig } from '../config/config-schema.js';

export interface Output {
  write(text: string): void;
}

/** What every command gets: streams, and the configuration built once from file, env and flags. */
export interface CommandContext {
  stdout: Output;
  stderr: Output;
  /** Loads and validates tokenledger.yaml + env once; throws ConfigError naming the bad key. */
  loadConfig(): Promise<AppConfig>;
  /** The process environment, for commands whose settings are not in AppConfig (the gateway's provider keys). */
  env?: Record<string, string | undefined>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  /** One line for `tokenledger --help`. */
  summary: string;
  /** The full `--help` text of this command. */
  help: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** How many positionals the command takes at most (default 0). */
  maxPositionals?: number;
  run(args: ParsedArgs, ctx: CommandContext): Promise<number>;
}
