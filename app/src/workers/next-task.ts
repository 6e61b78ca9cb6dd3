/**
 * `nextTask()`: resolves in a task of its own, after whatever the event loop has waiting (a
 * paint, input, a message) — without setTimeout's 4 ms clamp once nested. One MessageChannel
 * serves every call: a channel per call holds native message-pipe memory until a major GC,
 * which a heap of small wrappers seldom triggers — a loop awaiting it for minutes (a bench's
 * wait for a first sync) grew a tab past 9 GB that way.
 */

let port: MessagePort | null = null;
const waiting: (() => void)[] = [];

export function nextTask(): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!port) {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => waiting.shift()?.();
      // Node (unit tests): an open port would keep the process alive after the last wait.
      (channel.port1 as { unref?: () => void }).unref?.();
      port = channel.port2;
    }
    waiting.push(resolve);
    port.postMessage(0);
  });
}
