import type { HttpRequest } from './http-request.js';
import type { HttpResponse } from './http-response.js';

/** One HTTP route of the server, relative to `config.baseUrl`. Its handler never rejects. */
export interface Route {
  readonly path: string;
  readonly methods: readonly string[];
  readonly handle: (req: HttpRequest) => Promise<HttpResponse>;
}
