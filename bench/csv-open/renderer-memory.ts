/**
 * Memory of the Chromium this bench process started, read from /proc (Linux): the largest
 * resident set among its renderer processes, i.e. the tab with its workers, ArrayBuffers and
 * all — what CDP's JS heap figure leaves out (file bytes and packfiles live outside the heap).
 * Shared by the csv-open and clone-size benchmarks.
 */
import fs from 'node:fs';

/** Processes descended from this one, with command line and resident set in KiB. */
function descendants(): { pid: number; cmd: string; rssKb: number }[] {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {} // the process ended while we looked
  }
  const mine = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (!mine.has(pid) && mine.has(ppid)) {
        mine.add(pid);
        grew = true;
      }
    }
  }
  mine.delete(process.pid);
  const out: { pid: number; cmd: string; rssKb: number }[] = [];
  for (const pid of mine) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const rss = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      out.push({ pid, cmd, rssKb: Number(rss ?? 0) });
    } catch {}
  }
  return out;
}

/** Largest renderer resident set now, in MB (10^6 bytes); 0 when none is found. */
export function rendererRssMb(): number {
  const renderers = descendants().filter((p) => p.cmd.includes('--type=renderer'));
  return Math.max(0, ...renderers.map((p) => (p.rssKb * 1024) / 1e6));
}

/** Samples rendererRssMb every `everyMs` until stopped; `stop()` returns the peak. */
export function samplePeakRss(everyMs = 100): { stop(): number } {
  let peak = rendererRssMb();
  const timer = setInterval(() => {
    peak = Math.max(peak, rendererRssMb());
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, rendererRssMb());
    },
  };
}
