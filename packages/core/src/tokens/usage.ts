import type { Logger } from '../ports/runtime.js';
import type { TokenUsageSink } from '../ports/token-usage.js';

/** Tells the usage sink of an accepted token; a sink that throws is logged, never the request's failure. */
export const reportUse = (deps: { readonly tokenUsage?: TokenUsageSink; readonly logger: Logger }, id: string, at: number): void => {
  try {
    deps.tokenUsage?.used({ id, at: Math.floor(at) }); // whole epoch seconds, like every stored time
  } catch (cause) {
    deps.logger.log('warn', 'token usage sink failed', { cause });
  }
};

