import { defineConfig } from 'vitest/config';
import { grantorVitest } from '@grantor/dev-config/vitest';

// One pack + one npm install for the whole file (beforeAll, up to 240 s); each example then runs in its own process.
export default defineConfig(grantorVitest(import.meta.dirname, { testTimeout: 120_000, hookTimeout: 240_000 }));
