import { grantorEslint } from '@grantor/dev-config/eslint';

export default grantorEslint(import.meta.dirname);
