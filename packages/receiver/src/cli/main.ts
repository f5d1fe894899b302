import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { loadConfig } from '../config/load-config.js';
import { TokenLedgerError, UsageError } from '../errors.js';
import type { Command, CommandContext, Output } from './command.js';
import { commands } from './commands/index.js';

const version = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

function globalHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'tokenledger: per-client LLM cost attribution, budgets and invoices',
    '',
    'Usage: tokenledger <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    '  --config FILE   tokenledger.yaml to read (default: $TOKENLEDGER_CONFIG, then ./tokenledger.yaml if present)',
    '  -h, --help      help for tokenledger or a command',
    '  --version       print the version',
    '',
  ].join('\n');
}

export interface MainIo {
  stdout: Output;
  stderr: Output;
  env: Record<string, string | undefined>;
  cwd: string;
}

const processIo = (): MainIo => ({
  stdout: { write: (t) => void process.stdout.write(t) },
  stderr: { write: (t) => void process.stderr.write(t) },
  env: process.env,
  cwd: process.cwd(),
});

function contextFor(io: MainIo, values: Record<string, unknown>): CommandContext {
  let cached: ReturnType<typeof loadConfig> | undefined;
  return {
    stdout: io.stdout,
    stderr: io.stderr,
    env: io.env,
    loadConfig: () =>
      (cached ??= loadConfig({
        env: io.env,
        configPath: values.config as string | undefined,
        port: values.port === undefined ? undefined : parsePort(values.port as string),
        defaultConfigPath: `${io.cwd}/tokenledger.yaml`,
      })),
  };
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got "${text}"`);
  return port;
}

async function runCommand(command: Command, args: string[], io: MainIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { ...command.options, help: { type: 'boolean', short: 'h' }, config: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout.write(`${command.help.trimEnd()}\n`);
    return 0;
  }
  const max = command.maxPositionals ?? 0;
  if (positionals.length > max) throw new UsageError(`unexpected argument "${positionals[max]}" (see tokenledger ${command.name} --help)`);
  return command.run({ values, positionals }, contextFor(io, values));
}

/** Runs the CLI and returns the exit code: 0 ok, 1 failure, 2 bad usage. Errors print one line. */
export async function main(argv: string[], io: MainIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(globalHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`tokenledger: unknown command "${name}" (see tokenledger --help)\n`);
    return 2;
  }
  try {
    return await runCommand(command, rest, io);
  } catch (err) {
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    io.stderr.write(`tokenledger ${command.name}: ${message}\n`);
    if (!(err instanceof TokenLedgerError) && !usage && io.env.TOKENLEDGER_DEBUG) io.stderr.write(`${(err as Error).stack ?? ''}\n`);
    return usage ? 2 : 1;
  }
}
