export { nodeRuntime, systemClock, cryptoRandom, sha256SecretHasher, consoleLogger } from './runtime.js';
export type { NodeRuntime, ConsoleLoggerOptions, LogLevel } from './runtime.js';
export {
  defaultBodyLimit,
  readRawBody,
  toHttpRequest,
  bearerHttpRequest,
  requestTarget,
  requestHeaders,
  defaultMountPath,
  normaliseMountPath,
  payloadTooLarge,
  badRequestTarget,
  unreadableBody,
  internalError,
  notFound,
} from './request.js';
export type { RawBodyResult, RequestTarget, RequestConversion } from './request.js';
export { writeHttpResponse, safeHandle } from './response.js';
export { createNodeHandler } from './handler.js';
export type { AdapterOptions, NodeHandlerOptions } from './handler.js';
export { streamConsumed, encodeForm, reconstructBody, readOrReconstructBody } from './parsed-body.js';
export { httpJwksFetcher, cacheMaxAge, parseJwkSet } from './jwks-fetcher.js';
export type { HttpJwksFetcherOptions } from './jwks-fetcher.js';
export { nodeSigner, nodeJwsSigning } from './signer.js';
export type { NodeSignerOptions } from './signer.js';
export { protectedResource, bearerOptionsOf, metadataResponseFor } from './protected-resource.js';
export type { BearerVerifier, ProtectedResource, ResourceBearerOptions } from './protected-resource.js';
export { outboundFetcher } from './outbound-fetch.js';
export type { HostResolver, OutboundFetch, OutboundFetchOptions, OutboundInit, OutboundFailure, OutboundResponse, OutboundResult } from './outbound-fetch.js';
export { httpClientMetadataDocuments } from './client-metadata-documents.js';
export { coalescedTokenUsage } from './token-usage.js';
export type { CoalescedTokenUsage, CoalescedTokenUsageOptions } from './token-usage.js';
export type { HttpClientMetadataDocumentsOptions } from './client-metadata-documents.js';
export { remoteVerifier } from './remote-verifier.js';
export type { RemoteVerifierOptions, IntrospectionCredentials, IntrospectionOptions, JwtAccessTokenOptions } from './remote-verifier.js';
