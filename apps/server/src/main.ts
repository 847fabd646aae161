#!/usr/bin/env node
/** Entry point of the reference server (`node apps/server/dist/main.js`): see `start.ts`. */
await import('./start.js');
