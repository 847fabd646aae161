import { defineConfig } from 'vitest/config';
import { grantorVitest } from '@grantor/dev-config/vitest';

// The end-to-end tests (src/e2e) spawn `dist/main.js`: the global setup builds this package first.
export default defineConfig(grantorVitest(import.meta.dirname, { globalSetup: ['./vitest.global-setup.ts'] }));
