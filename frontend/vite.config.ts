/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import AutoImport from 'unplugin-auto-import/vite'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// Element Plus is imported on demand (components and their styles, by the resolver), so a
// public page only pays for the components it shows. The API is proxied in development to a
// `duijie serve` on DUIJIE_API (default http://127.0.0.1:8080).
export default defineConfig({
  plugins: [
    vue(),
    AutoImport({
      resolvers: [ElementPlusResolver()],
      dts: 'src/auto-imports.d.ts',
    }),
    Components({
      resolvers: [ElementPlusResolver()],
      dts: 'src/components.d.ts',
      dirs: [],
    }),
  ],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    proxy: {
      '/api': process.env.DUIJIE_API ?? 'http://127.0.0.1:8080',
    },
  },
  build: {
    target: 'es2020',
    sourcemap: false,
    // scripts/budget.mjs reads the import graph from it (never served: dotted paths are not).
    manifest: true,
    chunkSizeWarningLimit: 700,
  },
  test: {
    environment: 'happy-dom',
    include: ['tests/unit/**/*.spec.ts'],
    server: { deps: { inline: ['element-plus'] } },
    // Both cores (the default leaves one idle on a two-core machine).
    maxWorkers: 2,
    // Mounting a whole page with Element Plus takes seconds on a loaded two-core machine.
    testTimeout: 15_000,
    css: false,
  },
})
