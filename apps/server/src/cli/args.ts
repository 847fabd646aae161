/** Command-line arguments: positionals, `--name value` options (repeatable), and `--flag` switches. */
export interface Args {
  readonly positional: readonly string[];
  readonly options: ReadonlyMap<string, readonly string[]>;
  readonly flags: ReadonlySet<string>;
}

/** Parses `argv`; a switch is a name in `switches`, every other `--name` takes the next argument (or `--name=value`). */
export const parseArgs = (argv: readonly string[], switches: readonly string[]): Args | string => {
  const positional: string[] = [];
  const options = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (switches.includes(name)) {
      if (eq >= 0) return `--${name} takes no value`;
      flags.add(name);
      continue;
    }
    const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) return `--${name} needs a value`;
    options.set(name, [...(options.get(name) ?? []), value]);
  }
  return { positional, options, flags };
};

export const one = (args: Args, name: string): string | undefined => {
  const v = args.options.get(name);
  return v === undefined ? undefined : v[v.length - 1];
};

/** Every value of a repeatable option, also split on commas and spaces (`--grant a,b` = `--grant a --grant b`). */
export const many = (args: Args, name: string): readonly string[] | undefined => {
  const v = args.options.get(name);
  return v === undefined ? undefined : v.flatMap((x) => x.split(/[\s,]+/)).filter((x) => x !== '');
};

/** A plain text table: one header row, columns padded to their widest cell. */
export const table = (header: readonly string[], rows: readonly (readonly string[])[]): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
};
