/**
 * A one-line progress bar on stderr — bytes, files, rate, ETA — drawn only when stderr is a
 * terminal (and at most ~10 times a second); silent when piped, so scripts see only results.
 */
export class Progress {
  private files = 0;
  private bytes = 0;
  private totalFiles = 0;
  private totalBytes = 0;
  private readonly started = Date.now();
  private lastDraw = 0;
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.enabled = Boolean(out.isTTY) && process.env.CAIRN_NO_PROGRESS === undefined;
  }

  addTotals(files: number, bytes: number): void {
    this.totalFiles += files;
    this.totalBytes += bytes;
    this.draw();
  }

  addFiles(n: number): void {
    this.files += n;
    this.draw();
  }

  addBytes(n: number): void {
    this.bytes += n;
    this.draw();
  }

  /** Clears the bar (call before printing results). */
  done(): void {
    if (this.enabled && this.lastDraw > 0) this.out.write('\r\x1b[2K');
  }

  private draw(): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const secs = Math.max(0.001, (now - this.started) / 1000);
    const rate = this.bytes / secs;
    const parts = [`${this.label}`];
    if (this.totalBytes > 0) {
      const pct = Math.min(100, (100 * this.bytes) / this.totalBytes);
      const width = 20;
      const filled = Math.round((pct / 100) * width);
      parts.push(`|${'█'.repeat(filled)}${' '.repeat(width - filled)}| ${pct.toFixed(0)}%`);
    }
    parts.push(`${formatBytes(this.bytes)}${this.totalBytes ? `/${formatBytes(this.totalBytes)}` : ''}`);
    parts.push(`${this.files}${this.totalFiles ? `/${this.totalFiles}` : ''} files`);
    parts.push(`${formatBytes(rate)}/s`);
    if (this.totalBytes > this.bytes && rate > 0)
      parts.push(`ETA ${formatDuration((this.totalBytes - this.bytes) / rate)}`);
    this.out.write(`\r\x1b[2K${parts.join('  ')}`);
  }
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

function formatDuration(s: number): string {
  if (s < 60) return `${Math.ceil(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${Math.round(s % 60)}s` : `${Math.floor(m / 60)}h${m % 60}m`;
}
