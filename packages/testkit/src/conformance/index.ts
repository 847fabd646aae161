export { fakeAuthorizationServer, fakeServerConfig, fakeBearerToken } from './fake-server.js';
export type { EchoBody } from './fake-server.js';
