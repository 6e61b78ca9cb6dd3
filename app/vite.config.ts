import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import solid from 'vite-plugin-solid';

/**
 * The PWA build. The app shell is precached by a generated service worker in prompt mode:
 * a new version is offered to the user, never forced mid-work (see src/shell/UpdatePrompt.tsx).
 * Paths that belong to the sync server's client protocols never fall back to the app.
 */
export default defineConfig({
  publicDir: '../public',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  worker: { format: 'es' },
  plugins: [
    solid(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['icon.svg'],
      manifest: {
        name: 'Cairn',
        short_name: 'Cairn',
        description: 'Code, data, experiments and pipelines, versioned together — offline first.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#1f2a37',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,woff2,wasm}'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [
          /^\/api\//,
          /^\/yjs\//,
          /^\/healthz$/,
          // Only the repository segment (`/owner/repo.dvc/…`): a file named `x.dvc` or the
          // `.dvc/config` of a repository is an app page (`/owner/repo/blob/main/x.dvc`).
          /^\/[^/]+\/[^/]+\.(git|dvc|mlflow)(\/|$)/,
        ],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        cleanupOutdatedCaches: true,
        // The first install takes control of the open page so it works offline without a reload.
        clientsClaim: true,
      },
    }),
  ],
});
