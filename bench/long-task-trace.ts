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
  args?: {
    name?: string;
    data?: {
      functionName?: string;
      url?: string;
      lineNumber?: number;
      type?: string;
      reason?: string;
      nodeName?: string;
      invalidationSet?: unknown;
    };
  };
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
  /** The script it ran: the longest FunctionCall's function and file, or the event's type (a timer, a message). */
  script: string;
  /** Its layouts: each one's time and how many of the page's objects it laid out. */
  layouts: string;
  /** The functions its samples were in most (self time, V8's sampling profiler). */
  hot: string;
  /** Its MajorGC and MinorGC events, with their milliseconds. */
  gcKinds: string;
  /** With BENCH_TRACE_INVALIDATIONS=1: why styles and layouts were invalidated in the 200 ms before it and during it. */
  invalidations: string;
}

/**
 * BENCH_TRACE_INVALIDATIONS=1 also records why styles and layouts were invalidated (DevTools'
 * "invalidation tracking"): each long task then lists the reasons and nodes of those before it.
 * It is a lot of events: a long trace fills Chromium's buffer sooner.
 */
const INVALIDATIONS = process.env.BENCH_TRACE_INVALIDATIONS === '1';

const CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.gc',
  'blink.user_timing',
  ...(INVALIDATIONS ? ['disabled-by-default-devtools.timeline.invalidationTracking'] : []),
];

/** The traced main thread as a whole: its GC, and how many tasks passed each length. */
export interface MainThreadSummary {
  /** Garbage collection on the main thread in all (MajorGC and MinorGC). */
  gcMs: number;
  /** The longest single collection. */
  longestGcMs: number;
  gcCount: number;
  /** Tasks of at least 16, 33 and 50 ms (a frame, two, the long-task line). */
  tasksOver: Record<16 | 33 | 50, number>;
  longestTaskMs: number;
}

export class LongTaskTrace {
  private events: TraceEvent[] = [];
  private cdp: CDPSession | null = null;
  /** Set by stop(): the whole traced time's main thread. */
  summary: MainThreadSummary | null = null;
  /**
   * Set by stop(): Chromium dropped events because its trace buffer filled (a long trace with
   * the timeline's detail): tasks after that point are missing, so "no long task" means nothing.
   */
  dataLost = false;

  async start(page: Page): Promise<void> {
    this.cdp = await page.context().newCDPSession(page);
    this.cdp.on('Tracing.dataCollected', (e) => {
      for (const v of e.value) this.events.push(v as unknown as TraceEvent);
    });
    await this.cdp.send('Tracing.start', {
      transferMode: 'ReportEvents',
      // The largest buffer Chromium allows (a first sync of 100,000 runs is a minute of events);
      // stop() says if it still filled.
      traceConfig: { includedCategories: CATEGORIES, recordMode: 'recordAsMuchAsPossible' },
    });
    // V8's sampling profiler beside the trace (same clock): which functions a long task ran. A
    // sample a millisecond: tracing and profiling themselves lengthen tasks (a traced compare part
    // counted 6–7 of 30 opens with a task over 50 ms where untraced ones counted 2–4).
    await this.cdp.send('Profiler.enable');
    await this.cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
    await this.cdp.send('Profiler.start');
  }

  /** Stops tracing and returns the main thread's tasks of `minMs` or more. */
  async stop(minMs = 50): Promise<LongTask[]> {
    const cdp = this.cdp;
    if (!cdp) return [];
    const { profile } = await cdp.send('Profiler.stop');
    const complete = new Promise<boolean>((resolve) =>
      cdp.once('Tracing.tracingComplete', (e) => resolve(e.dataLossOccurred)),
    );
    await cdp.send('Tracing.end');
    this.dataLost = await complete;
    await cdp.detach();
    this.summary = mainThreadSummary(this.events);
    return longTasks(this.events, minMs, profile as CpuProfile);
  }
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A script URL's file name (`index-abc.js`), or '' for none. */
const fileOf = (url: string | undefined) => (url ? url.slice(url.lastIndexOf('/') + 1) : '');

/** Each sample of `profile` as its time (µs, the trace's clock) and the function it was in ('' for idle). */
function samplesOf(profile: CpuProfile | undefined): { at: number; fn: string }[] {
  if (!profile) return [];
  const names = new Map(
    profile.nodes.map(({ id, callFrame: f }) => {
      const idle = f.functionName === '(idle)' || f.functionName === '(program)';
      const file = fileOf(f.url);
      return [id, idle ? '' : `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`];
    }),
  );
  let at = profile.startTime;
  return profile.samples.map((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    return { at, fn: names.get(id) ?? '' };
  });
}

/** The functions that most `samples` between `from` and `to` (µs) were in (self time). */
function hotFunctions(samples: { at: number; fn: string }[], from: number, to: number): string {
  const self = new Map<string, number>();
  for (const { at, fn } of samples) if (fn && at >= from && at <= to) self.set(fn, (self.get(fn) ?? 0) + 1);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([k, n]) => `${k} ${Math.round((100 * n) / total)}%`)
    .join(', ');
}

/** The page's renderer main thread's complete events, in time order (null: not found). */
function mainThreadEvents(events: TraceEvent[]): { main: TraceEvent; onMain: TraceEvent[] } | null {
  // The page's renderer (a spare one may be traced too): the one with the bench's marks.
  const marked = new Set(events.filter((e) => e.cat.includes('blink.user_timing')).map((e) => e.pid));
  const main = events.find(
    (e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && marked.has(e.pid),
  );
  if (!main) return null;
  const onMain = events
    .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  return { main, onMain };
}

// Chromium names a task RunTask (DevTools' category) or ThreadControllerImpl::RunTask (toplevel).
const isTask = (e: TraceEvent) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask';

function mainThreadSummary(events: TraceEvent[]): MainThreadSummary | null {
  const found = mainThreadEvents(events);
  if (!found) return null;
  const s: MainThreadSummary = {
    gcMs: 0,
    longestGcMs: 0,
    gcCount: 0,
    tasksOver: { 16: 0, 33: 0, 50: 0 },
    longestTaskMs: 0,
  };
  let taskEnd = 0;
  for (const e of found.onMain) {
    const ms = (e.dur as number) / 1000;
    if (e.name === 'MajorGC' || e.name === 'MinorGC') {
      s.gcMs += ms;
      s.gcCount++;
      s.longestGcMs = Math.max(s.longestGcMs, ms);
    }
    if (!isTask(e) || e.ts < taskEnd) continue;
    taskEnd = e.ts + (e.dur as number);
    s.longestTaskMs = Math.max(s.longestTaskMs, ms);
    for (const over of [16, 33, 50] as const) if (ms >= over) s.tasksOver[over]++;
  }
  return s;
}

function longTasks(events: TraceEvent[], minMs: number, profile?: CpuProfile): LongTask[] {
  const samples = samplesOf(profile);
  const found = mainThreadEvents(events);
  if (!found) return [];
  const { main, onMain } = found;
  let t0 = Number.POSITIVE_INFINITY;
  for (const e of events) if (e.ts > 0 && e.ts < t0) t0 = e.ts;
  const marks = events
    .filter((e) => e.cat.includes('blink.user_timing') && e.pid === main.pid)
    .sort((a, b) => a.ts - b.ts);
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
    const layouts = inside
      .filter((e) => e.name === 'Layout')
      .map((e) => {
        const b = (e.args as { beginData?: { dirtyObjects?: number; totalObjects?: number } } | undefined)?.beginData;
        return `${((e.dur as number) / 1000).toFixed(0)} ms/${b?.dirtyObjects ?? '?'} of ${b?.totalObjects ?? '?'}`;
      })
      .join(' ');
    const calls = inside.filter((e) => e.name === 'FunctionCall' || e.name === 'EventDispatch');
    const longest = calls.sort((a, b) => (b.dur as number) - (a.dur as number))[0];
    const d = longest?.args?.data;
    const file = fileOf(d?.url);
    const script = longest
      ? `${longest.name} ${d?.functionName || d?.type || '(anonymous)'}${file ? ` ${file}:${d?.lineNumber ?? '?'}` : ''} ${((longest.dur as number) / 1000).toFixed(0)} ms`
      : '';
    const gcByKind = new Map<string, number>();
    for (const e of inside) {
      if (e.name === 'MajorGC' || e.name === 'MinorGC') {
        gcByKind.set(e.name, (gcByKind.get(e.name) ?? 0) + (e.dur as number));
      }
    }
    return {
      invalidations: INVALIDATIONS ? invalidationsBefore(events, main, task) : '',
      atMs: (task.ts - t0) / 1000,
      ms: (task.dur as number) / 1000,
      gcMs: gc / 1000,
      top,
      after: mark?.name ?? '(start)',
      script,
      layouts,
      hot: hotFunctions(samples, task.ts, end),
      gcKinds: [...gcByKind].map(([n, us]) => `${n} ${(us / 1000).toFixed(0)} ms`).join(', '),
    };
  });
}

/**
 * The invalidation-tracking events on the page's main thread from 200 ms before `task` to its end
 * (a rendering task lays out what earlier tasks' scripts changed), counted by kind, reason and node.
 */
function invalidationsBefore(events: TraceEvent[], main: TraceEvent, task: TraceEvent): string {
  const from = task.ts - 200_000;
  const end = task.ts + (task.dur as number);
  const counts = new Map<string, number>();
  for (const e of events) {
    if (e.pid !== main.pid || e.ts < from || e.ts > end || !e.name.endsWith('InvalidationTracking')) continue;
    const d = e.args?.data;
    const k = `${e.name.replace('InvalidationTracking', '')}: ${d?.reason ?? '?'} on ${(d?.nodeName ?? '?').slice(0, 60)}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([k, n]) => `${n}× ${k}`)
    .join('; ');
}
