import type { AdminOperations, Settled } from '@grantor/core';
import type { Args } from './args.js';

/** How a `grantor` sub-command prints: a table (people) or JSON (`--json`), errors on stderr. */

export interface Output {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export type Command = (ops: AdminOperations, args: Args, io: Output) => Promise<number>;

const json = (args: Args): boolean => args.flags.has('json');

/** Prints a settled result: `Done` through `show`, `Failed` as `error: …` on stderr (exit code 1). */
export const report = <A>(r: Settled<A>, args: Args, io: Output, show: (value: A) => { readonly json: unknown; readonly text: string }): number => {
  if (r._tag === 'Failed') {
    if (json(args)) io.out(JSON.stringify({ error: r.error.code, error_description: r.error.description }));
    io.err(`error: ${r.error.description}${r.error.detail === undefined ? '' : ` (${r.error.detail})`}`);
    return 1;
  }
  const shown = show(r.value);
  io.out(json(args) ? JSON.stringify(shown.json, null, 2) : shown.text);
  return 0;
};

export const usageError = (io: Output, message: string): number => {
  io.err(`error: ${message}`);
  return 2;
};

