import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { StoreError } from '../errors/store-error.js';

/**
 * Fetches the client ID metadata document a URL `client_id` names (draft-ietf-oauth-client-id-metadata-document-02
 * §5): the parsed JSON, unvalidated (the core checks it). Implementations refuse non-public addresses and plain
 * http, bound the time and size of a fetch, cache within the document's `Cache-Control: max-age` (§5.2), and report
 * failures as `StoreError` values, never throwing (`transient` for a timeout, a network failure, a 5xx or 429). The
 * core treats every failure as an unknown client (the reason goes to the log). `@grantor/node` has
 * `httpClientMetadataDocuments`.
 */
export type ClientMetadataDocumentFetcher = (url: string) => TaskEither<StoreError, unknown>;
