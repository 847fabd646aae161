/**
 * The README's example is a test file: importing it here registers its tests in this file, so they run (and must
 * pass) exactly as a user's copy would.
 */
import path from 'node:path';
import { expect } from 'vitest';
import { importReadmeExample, readmeExample } from './readme-example.js';

const packageDir = path.join(import.meta.dirname, '..');
const code = readmeExample(path.join(packageDir, 'README.md'), '## Example');
expect(code, 'the README has an ## Example block').toContain("from '@grantor/testkit'");
await importReadmeExample(code ?? '', packageDir);
