/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import preact from '@preact/preset-vite';
import { VitePWA } from 'vite-plugin-pwa';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { fileURLToPath } from 'node:url';
import { staticHeadersFile } from './edge/http/headers';
import { newIssuerKey, newOidcSigningKey } from './edge/cli/lib.mjs';
import { precacheChunks } from './web/build/precache-chunks.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * What the service worker precaches as the app shell (lazy routes are cached on first use, see
 * web/sw.ts), with the manifest's icons: Chrome fetches them (through the service worker) to
 * offer and perform the installation, so it can be installed offline too.
 */
const SHELL_PRECACHE = [
  'index.html',
  'assets/index-*.{js,css}',
  'assets/workbox-window*.js',
  'manifest.webmanifest',
  'icons/icon-{192,512}.png',
  'icons/maskable-512.png',
  'icons/apple-touch-icon-180.png',
];

/**
 * web/boot.ts is a chunk of its own (see codeSplitting) that index.html loads as a module script
 * of its own: this marks that script `async`, so it runs as soon as it has downloaded (it imports
 * nothing), before the app's chunk has compiled. In development boot.ts runs as db.ts's import.
 */
function bootScriptAsync(): Plugin {
  return {
    name: 'vneid-boot-script-async',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const boot = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && c.moduleIds.some((id) => id.endsWith('/web/boot.ts')));
        const tag = boot && `<script type="module" crossorigin src="/${boot.fileName}"></script>`;
        if (!tag || !html.includes(tag)) throw new Error('vneid-boot-script-async: index.html has no script for web/boot.ts');
        return html.replace(tag, `<script type="module" async crossorigin src="/${boot.fileName}"></script>`);
      },
    },
  };
}

// One config for the PWA build and for the three test projects (see tests/README in README.md):
// unit (node), edge (inside workerd against real D1 with the real migrations), e2e (Chromium).
export default defineConfig({
  root: 'web',
  publicDir: 'public',
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    // Phones download every byte: report gzip sizes and keep chunks small.
    reportCompressedSize: true,
    // A lazy chunk's imports are found by the browser itself once the chunk is parsed (they come
    // from the service worker's cache), not announced first as <link rel="modulepreload">: each
    // link the preload helper inserts costs 5–40 ms of main thread at 4× CPU. Except for the
    // wallet's screens, which a cold start opens while the main thread is busy starting the app:
    // there each level of imports found late costs 100–200 ms, more than the links.
    modulePreload: {
      polyfill: false,
      resolveDependencies: (file, deps) => (/(^|\/)Wallet(Qr|Documents)?-[\w-]+\.js$/.test(file) ? deps : []),
    },
    rollupOptions: {
      output: {
        // A chunk of shared code (not a lazy route's own) may be imported by the shell itself:
        // name it index-… so the service worker's precache (assets/index-*) always holds the
        // whole shell, however the bundler splits it.
        chunkFileNames: (chunk) => (chunk.isDynamicEntry ? 'assets/[name]-[hash].js' : 'assets/index-[name]-[hash].js'),
        // The whole first load in one chunk (fewer requests, each a task on a phone's main thread,
        // and better gzip), except boot.ts: a chunk of its own, which runs before the rest has
        // downloaded (bootScriptAsync).
        codeSplitting: {
          groups: [
            { name: 'boot', test: /[\\/]web[\\/]boot\.ts$/, priority: 1 },
            { name: 'shell', tags: ['$initial'] },
          ],
        },
      },
    },
  },
  plugins: [
    preact(),
    bootScriptAsync(),
    {
      // Static assets are served without the worker: give them the same security headers.
      name: 'vneid-static-headers',
      apply: 'build',
      generateBundle() {
        this.emitFile({ type: 'asset', fileName: '_headers', source: staticHeadersFile() });
      },
    },
    // The wallet and its QR screen open in airplane mode from a cold start: precache their lazy chunks.
    precacheChunks({ entries: [/\/web\/screens\/Wallet(Qr|Documents)?\.tsx$/, /\/web\/i18n\/(en|wallet-unlock-en|documents-en)\.ts$/], shell: SHELL_PRECACHE }),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: '.',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      manifest: false, // web/public/manifest.webmanifest is the one manifest
      injectManifest: {
        // The app shell only: lazy routes (verifier, officer console…) are cached on first use.
        globPatterns: SHELL_PRECACHE,
      },
      devOptions: { enabled: false },
    }),
  ],
  test: {
    reporters: ['default', './tests/summary-reporter.ts'],
    projects: [
      {
        root: here,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        root: here,
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: `${here}wrangler.toml` },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations(`${here}edge/migrations`),
                TEST_SHARD_MIGRATIONS: await readD1Migrations(`${here}edge/migrations-shard`),
                SESSION_SECRET: 'test-session-secret-0123456789abcdef0123456789',
                ORIGINS: 'https://id.example.vn',
                RP_ID: 'id.example.vn',
                ISSUER_KEYS: JSON.stringify([await newIssuerKey(Date.now() - 60_000)]),
                OIDC_SIGNING_KEYS: JSON.stringify([await newOidcSigningKey('test-oidc-1')]),
                OIDC_PAIRWISE_SECRET: 'test-pairwise-secret-0123456789abcdef0123456789',
                SHARD_KEY_SECRET: 'test-shard-key-secret-0123456789abcdef0123456789',
                // Two test agencies for the procedure webhook (tests/edge/services.notifications.test.ts).
                AGENCY_SECRETS: JSON.stringify({
                  'tu-phap': { secret: 'test-agency-tu-phap-0123456789abcdef0123', procedures: ['birth_registration', 'death_registration'] },
                  bhxh: { secret: 'test-agency-bhxh-0123456789abcdef01234567', procedures: ['child_health_insurance', 'funeral_allowance'] },
                }),
              },
            },
          })),
        ],
        test: {
          name: 'edge',
          include: ['tests/edge/**/*.test.ts'],
          setupFiles: ['./tests/edge/setup.ts'],
        },
      },
      {
        root: here,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['./tests/e2e/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        // Load and fault tests against `wrangler dev` (README.md, "Load and fault tests"), one file
        // at a time in a group of their own (groupOrder 1: after unit and edge, before vitest's
        // sequential group, where e2e runs), so nothing else competes for the 2 cores; ≈ 2 minutes.
        root: here,
        test: {
          name: 'load',
          include: ['tests/load/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['./tests/load/global-setup.ts'],
          testTimeout: 150_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
