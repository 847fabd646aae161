import {
  protectedResourceMetadata,
  protectedResourceMetadataResponse,
  type AuthorizationServer,
  type BearerOptions,
  type HttpResponse,
  type ProtectedResourceMetadata,
  type ProtectedResourceOptions,
} from '@grantor/core';

/**
 * What a bearer middleware checks tokens with: the in-process `AuthorizationServer`, or a verifier of a resource
 * server in another process (`remoteVerifier`) — anything with the same `bearer` function.
 */
export type BearerVerifier = Pick<AuthorizationServer, 'bearer'>;

/** The bearer options of an adapter: the core's, plus the RFC 9728 resource the middleware protects. */
export interface ResourceBearerOptions extends BearerOptions {
  /**
   * RFC 9728: the protected resource this middleware guards. Its identifier becomes the required `audience` (unless
   * `audience` is given) and every 401 names its metadata URL (`resource_metadata`, §5.1).
   */
  readonly protectedResource?: ProtectedResource;
}

/** RFC 9728 metadata ready to serve, built once by `protectedResource`. */
export type ProtectedResource = ProtectedResourceMetadata;

/**
 * RFC 9728 §2, §3.1: builds (and checks, at startup) the metadata of a protected resource. A configuration mistake
 * (not an https URL, a fragment, no authorization server) throws here, never at request time.
 */
export const protectedResource = (options: ProtectedResourceOptions): ProtectedResource => {
  const metadata = protectedResourceMetadata(options);
  if ('_tag' in metadata) throw new TypeError(`protected resource metadata: ${metadata.reason}`);
  return metadata;
};

/** The core bearer options for a request: `audience` and `resourceMetadata` taken from the protected resource. */
export const bearerOptionsOf = (options: ResourceBearerOptions = {}): BearerOptions => {
  const { protectedResource: resource, ...rest } = options;
  if (resource === undefined) return rest;
  return { audience: resource.document['resource'] as string, resourceMetadata: resource.url, ...rest };
};

/**
 * RFC 9728 §3.2: the metadata response when the request is for the metadata path (`pathname` without query), else
 * `undefined` (the request is someone else's).
 */
export const metadataResponseFor = (resource: ProtectedResource, method: string, url: string): HttpResponse | undefined => {
  const query = url.indexOf('?');
  const pathname = query < 0 ? url : url.slice(0, query);
  return pathname === resource.path ? protectedResourceMetadataResponse(resource, method) : undefined;
};
