import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { decodeClientIdMetadataDocument, isClientIdUrl, type MetadataDocumentPolicy } from '../codec/client-id-metadata-document.js';
import type { ServerConfig } from '../config/server-config.js';
import type { ClientAuthMethod } from '../domain/client.js';
import { loggable } from '../endpoints/render-error.js';
import type { ClientMetadataDocumentFetcher } from '../ports/client-metadata-documents.js';
import type { Logger } from '../ports/runtime.js';
import type { ClientStore } from '../ports/stores.js';

/** What a metadata document may ask for: the server's scopes (with the resources' scopes) and grant types. */
export const metadataDocumentPolicy = (config: ServerConfig, authMethods: readonly ClientAuthMethod[]): MetadataDocumentPolicy => ({
  scopes: [...new Set([...config.scopesSupported, ...config.resources.flatMap((r) => r.scopes)])],
  grantTypes: config.grantTypes,
  authMethods,
});

/**
 * The client lookup with client ID metadata documents (draft-ietf-oauth-client-id-metadata-document-02 §5): a client
 * the store knows is used as stored (an operator's registration wins, even for a URL id); otherwise a `client_id`
 * that is an http(s) URL is fetched through `documents` and validated by `decodeClientIdMetadataDocument`. A document
 * that cannot be fetched (refused address, timeout, network failure, an answer other than 200, too large, not JSON)
 * or that fails validation makes the client unknown (§5.1: the authorization endpoint shows an error page and
 * redirects nowhere; the token endpoint answers `invalid_client`), with the reason in the log. A transient failure is
 * treated the same way on purpose: a client that cannot show its metadata cannot be trusted, and an unreachable
 * document must not turn an unknown client into a 5xx. A fault of the store itself stays a `StoreError`. The client
 * is never saved.
 */
export const withMetadataDocuments = (
  clients: ClientStore,
  documents: ClientMetadataDocumentFetcher,
  policy: MetadataDocumentPolicy,
  logger: Logger,
): ClientStore => ({
  ...clients,
  find: (clientId) =>
    pipe(
      clients.find(clientId),
      TE.flatMap((stored) => {
        if (O.isSome(stored) || !isClientIdUrl(clientId)) return TE.right(stored);
        return pipe(
          documents(clientId),
          TE.map((document) => decodeClientIdMetadataDocument(clientId, document, policy)),
          TE.orElse((e) => TE.right(E.left(`the document could not be fetched${e.transient ? ' (transient)' : ''}: ${e.detail}`))),
          TE.map(
            E.match(
              (reason) => {
                logger.log('warn', 'client id metadata document refused', { client_id: loggable(clientId), reason: loggable(reason) });
                return O.none;
              },
              (client) => O.some(client),
            ),
          ),
        );
      }),
    ),
});
