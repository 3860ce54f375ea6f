import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const slow = { testTimeout: 120_000, hookTimeout: 180_000 };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/renderer/components/**'],
          // tfjs keeps global engine state (backend, kernels, variables): one process per file.
          pool: 'forks',
          ...slow,
        },
      },
      {
        // Svelte components in jsdom, with Svelte's client build.
        plugins: [svelte()],
        resolve: { conditions: ['browser'] },
        test: { name: 'components', include: ['tests/renderer/components/**/*.test.ts'], environment: 'jsdom', ...slow },
      },
    ],
  },
});
