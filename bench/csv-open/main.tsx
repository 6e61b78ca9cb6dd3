/**
 * Harness page of csv-open.bench.ts: mounts the app's real CSV viewer (worker, papaparse,
 * virtualised table) on a picked file and reports, from inside the page, when the first data
 * row was drawn, when parsing finished, the longest gap between animation frames meanwhile
 * (a frozen tab shows as a long gap), and how long a jump to the middle of the table takes.
 */
import { render } from 'solid-js/web';
import CsvViewer from '../../app/src/viewers/CsvViewer.tsx';
import '../../app/src/viewers/viewers.css';
import { fileFromBytes, type ViewFile } from '../../app/src/viewers/view-file.ts';
import type { OpenResult } from './site.ts';

declare global {
  interface Window {
    openPicked(): Promise<OpenResult>;
    mountPicked(): void;
  }
}

/** Renders the viewer on the picked file; returns the file's unmount. */
function mount(root: HTMLElement): () => void {
  const picked = (document.getElementById('file') as HTMLInputElement).files?.[0];
  if (!picked) throw new Error('no file picked');
  root.textContent = '';
  const file: ViewFile = {
    ...fileFromBytes(picked.name, new Uint8Array()),
    size: picked.size,
    blob: async () => picked,
  };
  return render(() => <CsvViewer file={file} delimiter="," />, root);
}

/** For tests: shows the picked file in the viewer and leaves it there. */
window.mountPicked = () => {
  mount(document.getElementById('root') as HTMLElement);
};

const nextFrame = () => new Promise<number>((r) => requestAnimationFrame(r));

window.openPicked = async () => {
  const root = document.getElementById('root') as HTMLElement;
  const t0 = performance.now();
  const dispose = mount(root);
  let firstRowMs = -1;
  let longest = 0;
  let last = await nextFrame();
  for (;;) {
    const now = await nextFrame();
    longest = Math.max(longest, now - last);
    last = now;
    if (
      firstRowMs < 0 &&
      root.querySelector('.csv-row:not(.csv-head) span[role], .csv-row:not(.csv-head) span + span')?.textContent
    ) {
      firstRowMs = performance.now() - t0;
    }
    if (firstRowMs >= 0 && !root.textContent?.includes('parsing…')) break;
  }
  const doneMs = performance.now() - t0;
  const scroller = root.querySelector('.csv-scroll') as HTMLElement;
  const total = Number(
    (root.querySelector('[data-testid="csv-rows"]')?.textContent ?? '0').split(' ')[0]?.replace(/,/g, ''),
  );
  const t1 = performance.now();
  scroller.scrollTop = scroller.scrollHeight / 2;
  for (;;) {
    await nextFrame();
    const rows = [...root.querySelectorAll('.csv-row:not(.csv-head)')];
    if (
      rows.some(
        (r) => Number(r.firstElementChild?.textContent) > total * 0.4 && (r.children[1]?.textContent ?? '') !== '',
      )
    )
      break;
  }
  const jumpToMiddleMs = performance.now() - t1;
  // The last row, by the scroll bar: past ~1.4 M rows this needs the scaled spacer.
  const t2 = performance.now();
  scroller.scrollTop = scroller.scrollHeight;
  let lastRowCells = '';
  for (let frames = 0; frames < 600; frames++) {
    await nextFrame();
    const last = root.querySelector(`.csv-row[data-row="${total}"]`);
    if (last && (last.children[1]?.textContent ?? '') !== '') {
      lastRowCells = [...last.children].map((c) => c.textContent).join(',');
      break;
    }
  }
  const jumpToEndMs = performance.now() - t2;
  const rows = root.querySelector('[data-testid="csv-rows"]')?.textContent ?? '';
  const heap = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  dispose();
  return {
    firstRowMs,
    doneMs,
    longestFrameGapMs: longest,
    jumpToMiddleMs,
    jumpToEndMs,
    lastRowCells,
    rows,
    heapMb: heap ? heap.usedJSHeapSize / 1e6 : null,
  };
};
