#!/usr/bin/env node
/**
 * Entry point of the reference server (`node apps/server/dist/main.js`). Installs the fp-ts resolve hook (see
 * `esm-hooks.ts`) before anything imports fp-ts, then starts the server (`start.ts`).
 */
import { register } from 'node:module';

register('./esm-hooks.js', import.meta.url);
await import('./start.js');
