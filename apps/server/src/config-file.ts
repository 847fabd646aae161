import { readFileSync } from 'node:fs';

/**
 * The settings a `CONFIG_FILE` may hold: the environment variables the server reads (see the README's table), plus
 * any standard `OTEL_*` variable for the OpenTelemetry SDK. A test keeps this list in step with the code.
 */
export const knownSettings: readonly string[] = [
  'ADMIN_TOKEN', 'BREACHED_PASSWORD_CHECK', 'CLIENT_ID_METADATA_DOCUMENTS', 'CLIENT_ID_METADATA_DOCUMENT_DENY_HOSTS',
  'CLIENT_ID_METADATA_DOCUMENT_HOSTS', 'DATABASE_URL', 'DATA_DIR', 'FRAMEWORK', 'HOST', 'ID_TOKEN_CLAIMS', 'ISSUER',
  'JWKS_ALLOW_HTTP', 'KEY_ENCRYPTION_SECRET', 'KEY_ROTATION_DAYS', 'LOG_FORMAT', 'LOG_LEVEL', 'MAIL_FROM', 'MAIL_OUTBOX',
  'OUTBOUND_ALLOW_LOOPBACK', 'PKCE_REQUIRED_FOR', 'PORT', 'PROFILE', 'REFRESH_REUSE_GRACE_SECONDS', 'REGISTRATION',
  'REGISTRATION_RATE', 'REGISTRATION_SOFTWARE_IDS', 'REGISTRATION_TOKEN', 'REGISTRATION_TRUSTED_JWKS', 'SEED', 'SEED_MODE',
  'SIGNUP', 'SMTP_URL', 'THROTTLE_LOOPBACK', 'THROTTLE_URL', 'TOKEN_USAGE_FLUSH_SECONDS', 'TRACING', 'TRUST_PROXY', 'WORKERS',
];

const isKnown = (name: string): boolean => knownSettings.includes(name) || /^OTEL_[A-Z0-9_]+$/.test(name);

/**
 * `CONFIG_FILE=<path>`: a JSON object of settings named like the environment variables (`{"PORT": 8080, "ISSUER":
 * "https://id.example.com"}`); strings, numbers and booleans. A variable set in the environment wins over the file.
 * Validated here (an unknown name or a value of another type stops the start, naming it); the values themselves are
 * then validated like the environment's (`readEnv`), with errors that name the setting.
 */
export const withConfigFile = (env: Readonly<Record<string, string | undefined>>): Readonly<Record<string, string | undefined>> => {
  const file = env['CONFIG_FILE']?.trim();
  if (file === undefined || file === '') return env;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`CONFIG_FILE ${file}: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`CONFIG_FILE ${file}: must hold a JSON object of settings`);
  const fromFile: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (!isKnown(name)) throw new Error(`CONFIG_FILE ${file}: unknown setting ${JSON.stringify(name)} (the names are the environment variables')`);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new Error(`CONFIG_FILE ${file}: ${name} must be a string, a number or a boolean`);
    }
    fromFile[name] = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  }
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  return { ...fromFile, ...set };
};
