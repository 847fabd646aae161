export { fromOAuth2ServerModel, createModelAuthorizationServer } from './store.js';
export type { ModelAdapterOptions, ModelServerOptions, ModelStore } from './store.js';
export { callModel, hasFunction, supportedGrantTypes } from './model.js';
export type {
  Falsey,
  ModelAuthorizationCode,
  ModelCallback,
  ModelClient,
  ModelFunction,
  ModelRefreshToken,
  ModelScope,
  ModelToken,
  ModelUser,
  NewAuthorizationCode,
  NewToken,
  OAuth2ServerModel,
} from './model.js';
export { defaultSubject } from './mapping.js';
export * from './drop-in/index.js';
import { OAuth2Server } from './drop-in/server.js';
export default OAuth2Server;
export { clientMetadataOf, refreshTokenRecordOf } from './migrate.js';
export type { ClientExport, RefreshTokenImport } from './migrate.js';
