/**
 * A Node ESM resolve hook for fp-ts 2.16, which has no `exports` map: `fp-ts/Either` is a directory, which Node's
 * ESM loader refuses (ERR_UNSUPPORTED_DIR_IMPORT) although bundlers and TypeScript accept it. Only when that exact
 * failure happens is the specifier retried as the file `fp-ts/lib/<Module>.js`; every other import is untouched.
 */
interface ResolveContext {
  readonly conditions: readonly string[];
  readonly parentURL?: string;
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<{ readonly url: string }>;

const fpTsModule = /^fp-ts\/([A-Za-z]+)$/;

export const resolve = async (specifier: string, context: ResolveContext, next: NextResolve): Promise<{ readonly url: string }> => {
  try {
    return await next(specifier, context);
  } catch (e) {
    const m = fpTsModule.exec(specifier);
    if (m === null || (e as { readonly code?: unknown }).code !== 'ERR_UNSUPPORTED_DIR_IMPORT') throw e;
    return next(`fp-ts/lib/${m[1] ?? ''}.js`, context);
  }
};
