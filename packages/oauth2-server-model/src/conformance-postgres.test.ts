import { afterAll } from 'vitest';
import { runHttpConformance } from '@grantor/testkit';
import { pgModel, type PgModel } from './test/pg-model.js';
import { seedClients, seedUsers } from './test/fixture.js';
import { expressMount, koaMount, modelConformanceServer, modelSkips } from './test/conformance.js';

// The conformance subset through a model on PostgreSQL (`pg`), one schema per adapter.
const opened: PgModel[] = [];
const onPostgres = (schema: string) =>
  modelConformanceServer(async () => {
    const m = await pgModel(schema, seedClients(), seedUsers());
    opened.push(m);
    return m.model;
  });
afterAll(async () => {
  for (const m of opened) await m.close();
});

runHttpConformance('express + PostgreSQL model', expressMount, onPostgres('o2s_model_test_express'), { skip: modelSkips, generatedRuns: 200 });
runHttpConformance('koa + PostgreSQL model', koaMount, onPostgres('o2s_model_test_koa'), { skip: modelSkips, generatedRuns: 200 });
