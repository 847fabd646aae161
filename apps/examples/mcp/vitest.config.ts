import { defineConfig } from 'vitest/config';
import { grantorVitest } from '@grantor/dev-config/vitest';

export default defineConfig(grantorVitest(import.meta.dirname));
