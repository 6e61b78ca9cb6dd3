import { useRegisterSW } from 'virtual:pwa-register/solid';
import { Show } from 'solid-js';

/**
 * Registers the service worker in prompt mode. A new version is offered, never forced: a tab
 * left open keeps running the version it loaded until the user chooses to reload.
 */
export function UpdatePrompt() {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    offlineReady: [offlineReady, setOfflineReady],
    updateServiceWorker,
  } = useRegisterSW({ immediate: true });
  return (
    <Show when={needRefresh() || offlineReady()}>
      <div class="toast" role="status" data-testid="update-prompt">
        <Show when={needRefresh()} fallback={<span>Cairn is ready to work offline.</span>}>
          <span>A new version of Cairn is available.</span>
          <button type="button" onClick={() => updateServiceWorker(true)}>
            Reload
          </button>
        </Show>
        <button
          type="button"
          class="link-button"
          onClick={() => {
            setNeedRefresh(false);
            setOfflineReady(false);
          }}
        >
          Dismiss
        </button>
      </div>
    </Show>
  );
}
