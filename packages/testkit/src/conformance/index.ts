export { fakeAuthorizationServer, fakeServerConfig, fakeBearerToken } from './fake-server.js';
export type { EchoBody } from './fake-server.js';
export { mountedOn, runHttpConformance } from './suite.js';
export type { Mount, Mounted, ConformanceCheck, ConformanceOptions, SuiteContext } from './suite.js';
export {
  conformanceProtected,
  protectedResponseBody,
  conformanceSeed,
  conformanceClients,
  conformanceConfig,
  conformanceServerFactory,
  conformancePasswords,
} from './fixture.js';
export type { ConformanceSeed, ConformanceServer, ConformanceDeps, ConformanceStore, MoreGrantsSeed } from './fixture.js';
export { signJws, assertionClaims, type JwsKey } from './jws.js';
export { observeCore, observeFetch, isRfcErrorBody, comparedHeaders } from './http.js';
export type { Observed, Probe } from './http.js';
