/** `node --import ./register-hooks.js`: installs esm-hooks.js (see there). */
import { register } from 'node:module';

register('./esm-hooks.js', import.meta.url);
