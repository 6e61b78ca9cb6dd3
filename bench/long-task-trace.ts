/**
 * Where a page's long main-thread tasks go, from a Chromium trace (CDP Tracing): each task of
 * 50 ms or more on the renderer's main thread, with how much of it was garbage collection
 * (MajorGC, MinorGC and V8/Blink GC events inside it) and which events took the rest, and the
 * `performance.mark` before it (the bench marks each part). The long-task observer the harness
 * uses only says how long a task was; this says what it was.
 */
import type { CDPSession, Page } from 'playwright-core';

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

export interface LongTask {
  /** Milliseconds from the trace's start. */
  atMs: number;
  ms: number;
  gcMs: number;
  /** The events inside it that took the most time (outermost only), with their milliseconds. */
  top: string;
  /** The last performance.mark before it. */
  after: string;
}

const CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.gc',
  'blink.user_timing',
];

export class LongTaskTrace {
  private events: TraceEvent[] = [];
  private cdp: CDPSession | null = null;

  async start(page: Page): Promise<void> {
    this.cdp = await page.context().newCDPSession(page);
    this.cdp.on('Tracing.dataCollected', (e) => {
      for (const v of e.value) this.events.push(v as unknown as TraceEvent);
    });
    await this.cdp.send('Tracing.start', {
      transferMode: 'ReportEvents',
      traceConfig: { includedCategories: CATEGORIES },
    });
  }

  /** Stops tracing and returns the main thread's tasks of `minMs` or more. */
  async stop(minMs = 50): Promise<LongTask[]> {
    const cdp = this.cdp;
    if (!cdp) return [];
    const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach();
    return longTasks(this.events, minMs);
  }
}

function longTasks(events: TraceEvent[], minMs: number): LongTask[] {
  // The page's renderer (a spare one may be traced too): the one with the bench's marks.
  const marked = new Set(events.filter((e) => e.cat.includes('blink.user_timing')).map((e) => e.pid));
  const main = events.find(
    (e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && marked.has(e.pid),
  );
  if (!main) return [];
  const onMain = events
    .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  let t0 = Number.POSITIVE_INFINITY;
  for (const e of events) if (e.ts > 0 && e.ts < t0) t0 = e.ts;
  const marks = events
    .filter((e) => e.cat.includes('blink.user_timing') && e.pid === main.pid)
    .sort((a, b) => a.ts - b.ts);
  // Chromium names a task RunTask (DevTools' category) or ThreadControllerImpl::RunTask (toplevel).
  const isTask = (e: TraceEvent) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask';
  const tasks: TraceEvent[] = [];
  let taskEnd = 0;
  for (const e of onMain) {
    if (!isTask(e) || e.ts < taskEnd) continue; // the outermost of nested ones
    taskEnd = e.ts + (e.dur as number);
    if ((e.dur as number) >= minMs * 1000) tasks.push(e);
  }
  return tasks.map((task) => {
    const end = task.ts + (task.dur as number);
    const inside = onMain.filter((e) => e !== task && !isTask(e) && e.ts >= task.ts && e.ts + (e.dur as number) <= end);
    // GC time: the union of GC events' spans (they nest: MajorGC holds V8.GC_* phases).
    let gc = 0;
    let gcEnd = 0;
    for (const e of inside) {
      if (!/GC/.test(e.name)) continue;
      const s = Math.max(e.ts, gcEnd);
      const f = e.ts + (e.dur as number);
      if (f > s) gc += f - s;
      gcEnd = Math.max(gcEnd, f);
    }
    // The outermost events inside the task, summed by name.
    const byName = new Map<string, number>();
    let outerEnd = 0;
    for (const e of inside) {
      if (e.ts < outerEnd) continue;
      byName.set(e.name, (byName.get(e.name) ?? 0) + (e.dur as number));
      outerEnd = e.ts + (e.dur as number);
    }
    const top = [...byName]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([n, us]) => `${n} ${(us / 1000).toFixed(0)} ms`)
      .join(', ');
    const mark = marks.filter((m) => m.ts <= task.ts).at(-1);
    return {
      atMs: (task.ts - t0) / 1000,
      ms: (task.dur as number) / 1000,
      gcMs: gc / 1000,
      top,
      after: mark?.name ?? '(start)',
    };
  });
}
