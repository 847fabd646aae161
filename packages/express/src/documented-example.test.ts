import path from 'node:path';
import { readmeExampleServesTokenEndpoint } from '@grantor/testkit';

readmeExampleServesTokenEndpoint(path.join(import.meta.dirname, '..'));
