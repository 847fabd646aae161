export { fakeAuthorizationServer, fakeServerConfig, fakeBearerToken } from './fake-server.js';
export type { EchoBody } from './fake-server.js';
export { runHttpConformance } from './suite.js';
export type { ConformanceCheck, ConformanceOptions } from './suite.js';
export { mountedOn } from './mount.js';
export type { Mount, Mounted } from './mount.js';
export type { SuiteContext } from './context.js';
export {
  conformanceProtected,
  protectedResponseBody,
  conformanceSeed,
  conformanceClients,
  conformanceConfig,
  conformanceServerFactory,
  conformancePasswords,
} from './fixture.js';
export type { ConformanceSeed, ConformanceServer, ConformanceDeps, ConformanceStore, GrantsSeed } from './fixture.js';
export { signJws, assertionClaims, type JwsKey } from './jws.js';
export { observeCore, observeFetch, isRfcErrorBody, comparedHeaders } from './http.js';
export type { Observed, Probe } from './http.js';
export { runProtectedResourceChecks, protectedResourceFixture } from './protected-resource.js';
export type { MountedResource, ResourceMount } from './protected-resource.js';
export { runRemoteVerifierChecks } from './remote-verifier.js';
export type { RemoteVerifierKit, RemoteVerifierOptionsLike } from './remote-verifier.js';
