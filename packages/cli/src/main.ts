/**
 * `cairn` — DVC-compatible data versioning and pipelines on @cairn/core, no Python.
 * Parses the command line, runs one command, and turns errors into DVC-style messages and exit
 * codes: 0 success, 1 failure (`ERROR: …` on stderr), 2 usage mistakes; unexpected errors print
 * their stack only with CAIRN_DEBUG set.
 */
import { parseArgs } from 'node:util';
import { CliError } from './cli-error.ts';
import { add } from './commands/add.ts';
import { checkout } from './commands/checkout.ts';
import { dag } from './commands/dag.ts';
import { init } from './commands/init.ts';
import { pull, push } from './commands/push-pull.ts';
import { repro } from './commands/repro.ts';
import { status } from './commands/status.ts';

const USAGE = `usage: cairn <command> [options]

commands:
  init [--no-scm] [-f]             make this folder a DVC repository
  add PATH…                        track files or folders: hash, cache, write PATH.dvc
  status [-q] [--json]             what changed in the pipeline and tracked data
  dag [TARGET] [--outs] [--full] [--mermaid|--dot]   the pipeline graph (ASCII boxes)
  repro [STAGE…] [--dry] [--force] run the stages that changed, update dvc.lock
  checkout [TARGET…]               restore tracked data from the cache
  push [TARGET…] [-r REMOTE] [-j N]  upload cached data to a DVC HTTP remote
  pull [TARGET…] [-r REMOTE] [-j N]  download data from the remote and check it out

common options: -q/--quiet, -h/--help`;

const OPTIONS = {
  quiet: { type: 'boolean', short: 'q', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  force: { type: 'boolean', short: 'f', default: false },
  'no-scm': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  mermaid: { type: 'boolean', default: false },
  dot: { type: 'boolean', default: false },
  dry: { type: 'boolean', default: false },
  remote: { type: 'string', short: 'r' },
  outs: { type: 'boolean', short: 'o' },
  full: { type: 'boolean' },
  jobs: { type: 'string', short: 'j' },
} as const;

export async function run(argv: string[], cwd = process.cwd()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError('usage', `${command}: ${(e as Error).message}`);
  }
  const { values: v, positionals } = parsed;
  if (v.help) {
    console.log(USAGE);
    return 0;
  }
  const jobs = v.jobs === undefined ? 4 : Number(v.jobs);
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new CliError('usage', `-j/--jobs expects a positive number, got '${v.jobs}'`);
  const transfer = { jobs, quiet: v.quiet, ...(v.remote !== undefined ? { remote: v.remote } : {}) };
  switch (command) {
    case 'init':
      init(cwd, { noScm: v['no-scm'], force: v.force, quiet: v.quiet });
      return 0;
    case 'add':
      await add(cwd, positionals, { quiet: v.quiet });
      return 0;
    case 'status':
      return status(cwd, { quiet: v.quiet, json: v.json });
    case 'dag':
      if (positionals.length > 1) throw new CliError('usage', 'dag: at most one TARGET');
      await dag(cwd, positionals[0], v.mermaid ? 'mermaid' : v.dot ? 'dot' : 'text', { outs: v.outs, full: v.full });
      return 0;
    case 'repro':
      await repro(cwd, positionals, { dry: v.dry, force: v.force, quiet: v.quiet });
      return 0;
    case 'checkout':
      await checkout(cwd, positionals, { quiet: v.quiet });
      return 0;
    case 'push':
      await push(cwd, positionals, transfer);
      return 0;
    case 'pull':
      await pull(cwd, positionals, transfer);
      return 0;
    default:
      throw new CliError('usage', `'${command}' is not a cairn command. See 'cairn --help'.`);
  }
}

/** The program: runs `process.argv` and sets the exit code. */
export async function main(): Promise<void> {
  try {
    process.exitCode = await run(process.argv.slice(2));
  } catch (e) {
    if (e instanceof CliError) {
      console.error(`ERROR: ${e.message}`);
      process.exitCode = e.exitCode;
    } else {
      console.error(`ERROR: unexpected error - ${(e as Error).message ?? e}`);
      if (process.env.CAIRN_DEBUG) console.error(e);
      process.exitCode = 255;
    }
  }
}
