import { runHttpConformance } from '@grantor/testkit';
import { memoryModel } from './test/memory-model.js';
import { seedClients, seedUsers } from './test/fixture.js';
import { expressMount, koaMount, modelConformanceServer, modelSkips } from './test/conformance.js';

// The conformance subset through an in-memory model written from the specification, v5 (promises) and v4 (callbacks).
const promises = modelConformanceServer(async () => memoryModel(seedClients(), seedUsers()).model);
const callbacks = modelConformanceServer(async () => memoryModel(seedClients(), seedUsers(), { style: 'callback', scopeStrings: true }).model);

runHttpConformance('express + memory model', expressMount, promises, { skip: modelSkips, generatedRuns: 300 });
runHttpConformance('koa + memory model (v4 callbacks)', koaMount, callbacks, { skip: modelSkips, generatedRuns: 300 });
