export { authenticateClient, type ClientAuthContext, type ClientAuthPorts, type ClientSecretJwtKeys } from './authenticate.js';
export { basicChallenge, invalidClient, jwtBearerAssertionType, parseBasic, presentedCredentials, type PresentedCredentials } from './credentials.js';
export { clientSecretJwtAlgorithms, privateKeyJwtAlgorithms, verifyClientAssertion } from './assertion.js';
