/**
 * Node ESM resolve hook used by the bench processes only: fp-ts 2.16 has no `exports` map, so an ES module importing
 * `fp-ts/Either` (a directory) fails in plain Node with ERR_UNSUPPORTED_DIR_IMPORT. When (and only when) that
 * happens, retry as `fp-ts/lib/Either.js`. This keeps the bench running against packages built that way; the real
 * fix belongs in the packages' imports (see README).
 */
interface ResolveContext {
  readonly conditions: readonly string[];
  readonly parentURL?: string;
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<{ url: string }>;

const rewritten = new Set<string>();

export const resolve = async (specifier: string, context: ResolveContext, next: NextResolve): Promise<{ url: string }> => {
  try {
    return await next(specifier, context);
  } catch (e) {
    const m = /^fp-ts\/([A-Za-z]+)$/.exec(specifier);
    if (m === null || (e as { code?: string }).code !== 'ERR_UNSUPPORTED_DIR_IMPORT') throw e;
    if (!rewritten.has(specifier)) {
      rewritten.add(specifier);
      if (rewritten.size === 1) process.stderr.write(`bench: '${specifier}' is a directory import Node ESM refuses; resolving fp-ts/<X> as fp-ts/lib/<X>.js\n`);
    }
    return next(`fp-ts/lib/${m[1]}.js`, context);
  }
};
