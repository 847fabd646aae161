import type { Random } from '../../ports/runtime.js';
import type { ServerConfig } from '../../config/server-config.js';

/**
 * RFC 8628 §6.1: user codes are typed by people, so the alphabets avoid look-alikes. `consonants` is the RFC's
 * base-20 example (no vowels, so no words are spelled by accident); `alphanumeric` drops 0/O and 1/I.
 */
export const userCodeAlphabets: Readonly<Record<ServerConfig['deviceFlow']['userCode']['charset'], string>> = {
  consonants: 'BCDFGHJKLMNPQRSTVWXZ',
  numeric: '0123456789',
  alphanumeric: 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789',
};

/** A new user code (normalised form: no separators) of `length` characters drawn uniformly with `random.int`. */
export const generateUserCode = (random: Random, options: ServerConfig['deviceFlow']['userCode']): string => {
  const alphabet = userCodeAlphabets[options.charset];
  let code = '';
  for (let i = 0; i < options.length; i++) code += alphabet[random.int(alphabet.length)] ?? alphabet[0];
  return code;
};

/** RFC 8628 §6.1: the displayed form, in groups of four separated by dashes (`WDJB-MJHT`). */
export const formatUserCode = (code: string): string => (code.match(/.{1,4}/g) ?? []).join('-');

/**
 * RFC 8628 §6.1: the verification page should accept the code however it is typed: case-insensitively, with or
 * without dashes and spaces. Stored hashes are of this normalised form.
 */
export const normalizeUserCode = (input: string): string => input.replace(/[\s\-\u2010-\u2015]/g, '').toUpperCase();
