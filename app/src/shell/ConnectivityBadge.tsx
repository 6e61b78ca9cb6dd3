import { createSignal, onCleanup } from 'solid-js';

/** Shows whether the browser believes it is online. Sync state joins this badge later. */
export function ConnectivityBadge() {
  const [online, setOnline] = createSignal(navigator.onLine);
  const update = () => setOnline(navigator.onLine);
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
  onCleanup(() => {
    window.removeEventListener('online', update);
    window.removeEventListener('offline', update);
  });
  return (
    <span class="badge" classList={{ offline: !online() }} data-testid="connectivity">
      {online() ? 'Online' : 'Offline'}
    </span>
  );
}
