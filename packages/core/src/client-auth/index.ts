export { authenticateClient, type ClientAuthPorts } from './authenticate.js';
