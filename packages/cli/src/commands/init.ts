/** `cairn init`: makes the folder a DVC repository, writing what `dvc init` writes. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../atomic-write.ts';
import { CliError } from '../cli-error.ts';

const DVCIGNORE = `# Add patterns of files dvc should ignore, which could improve
# the performance. Learn more at
# https://dvc.org/doc/user-guide/dvcignore
`;

export function init(cwd: string, opts: { noScm: boolean; force: boolean; quiet: boolean }): void {
  const root = path.resolve(cwd);
  const dvcDir = path.join(root, '.dvc');
  if (!opts.noScm) {
    const git = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd: root, encoding: 'utf8' });
    if (git.status !== 0) {
      throw new CliError(
        'not_a_repo',
        `failed to initiate DVC - ${root} is not tracked by any supported SCM tool (e.g. Git). Use \`--no-scm\` if you don't want to use any SCM.`,
      );
    }
  }
  if (fs.existsSync(dvcDir)) {
    if (!opts.force)
      throw new CliError('already_initialised', "failed to initiate DVC - '.dvc' exists. Use `-f` to force.");
    fs.rmSync(dvcDir, { recursive: true, force: true });
  }
  fs.mkdirSync(path.join(dvcDir, 'tmp'), { recursive: true });
  writeFileAtomic(path.join(dvcDir, 'config'), opts.noScm ? '[core]\n    no_scm = True\n' : '');
  writeFileAtomic(path.join(dvcDir, '.gitignore'), '/config.local\n/tmp\n/cache\n');
  if (!fs.existsSync(path.join(root, '.dvcignore'))) writeFileAtomic(path.join(root, '.dvcignore'), DVCIGNORE);
  if (!opts.quiet) {
    console.log(
      opts.noScm
        ? 'Initialized DVC repository.'
        : 'Initialized DVC repository.\n\nYou can now commit the changes to git.\n\n\tgit add .dvc .dvcignore',
    );
  }
}
