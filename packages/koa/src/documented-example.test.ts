import path from 'node:path';
import { readmeClient, readmeExampleServesTokenEndpoint } from '@grantor/testkit';

readmeExampleServesTokenEndpoint(path.join(import.meta.dirname, '..'), readmeClient);
