/**
 * A one-line progress indicator on a terminal (stderr), redrawn at most ten times a second;
 * nothing at all when stderr is not a terminal, so cron mail and `--json` output stay clean.
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr) {
  if (!stream.isTTY) return { update: () => {}, end: () => {} };
  let last = 0;
  let drawn = false;
  return {
    update(phase: string, done: number, total: number) {
      const now = Date.now();
      if (done < total && now - last < 100) return;
      last = now;
      drawn = true;
      stream.write(`\r\x1b[K${phase}: ${done}/${total}`);
    },
    end() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
