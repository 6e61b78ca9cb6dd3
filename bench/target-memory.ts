/**
 * The JavaScript heap of a page and of each of its dedicated workers, through the DevTools
 * protocol (Runtime.getHeapUsage per target): which side of a tab holds its memory — the page,
 * the runs table's worker, the feed worker — where the process's RSS only says the tab grew.
 * Workers are reached through the page's own session (Target.setAutoAttach, messages wrapped
 * in Target.sendMessageToTarget), beside the session Playwright keeps on them.
 */
import type { CDPSession, Page } from 'playwright-core';

export interface TargetHeap {
  /** The target's title: the page's URL, or a worker's `name`. */
  target: string;
  usedMB: number;
  /** ArrayBuffer backing stores (typed arrays live there, outside the JS heap). */
  backingMB: number;
}

interface Attached {
  sessionId: string;
  title: string;
}

const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;

export class TargetMemory {
  private attached = new Map<string, Attached>();
  private nextId = 1;
  private replies = new Map<number, (result: Record<string, number>) => void>();

  private constructor(private readonly cdp: CDPSession) {}

  static async watch(page: Page): Promise<TargetMemory> {
    const cdp = await page.context().newCDPSession(page);
    const watcher = new TargetMemory(cdp);
    cdp.on('Target.attachedToTarget', (e) => {
      watcher.attached.set(e.sessionId, {
        sessionId: e.sessionId,
        title: e.targetInfo.title || e.targetInfo.url || e.targetInfo.type,
      });
    });
    cdp.on('Target.detachedFromTarget', (e) => {
      watcher.attached.delete(e.sessionId);
    });
    cdp.on('Target.receivedMessageFromTarget', (e) => {
      const m = JSON.parse(e.message) as { id?: number; result?: Record<string, number> };
      if (m.id === undefined) return;
      watcher.replies.get(m.id)?.(m.result ?? {});
      watcher.replies.delete(m.id);
    });
    await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
    return watcher;
  }

  private inTarget(sessionId: string, method: string): Promise<Record<string, number>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.replies.set(id, resolve);
      // A target gone meanwhile never answers: give up after a while.
      setTimeout(() => {
        if (this.replies.delete(id)) resolve({});
      }, 10_000);
      this.cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) }).catch(() => {
        this.replies.delete(id);
        resolve({});
      });
    });
  }

  /** Heap of the page and of every worker attached now. */
  async sample(): Promise<TargetHeap[]> {
    const out: TargetHeap[] = [];
    const page = (await this.cdp.send('Runtime.getHeapUsage')) as Record<string, number>;
    out.push({ target: 'page', usedMB: mb(page.usedSize ?? 0), backingMB: mb(page.backingStorageSize ?? 0) });
    for (const a of [...this.attached.values()]) {
      const r = await this.inTarget(a.sessionId, 'Runtime.getHeapUsage');
      if (r.usedSize === undefined) continue;
      out.push({ target: a.title, usedMB: mb(r.usedSize), backingMB: mb(r.backingStorageSize ?? 0) });
    }
    return out;
  }

  /** One line: `page 40 MB (+12 MB buffers), cairn-runs-table 310 MB (+900 MB buffers)…`. */
  static line(heaps: readonly TargetHeap[]): string {
    return heaps.map((h) => `${h.target} ${h.usedMB} MB (+${h.backingMB} MB buffers)`).join(', ');
  }

  async stop(): Promise<void> {
    await this.cdp.detach().catch(() => {});
  }
}
