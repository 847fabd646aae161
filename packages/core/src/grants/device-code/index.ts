import type { Grant } from '../grant.js';
import { issueTokens, type IssuePorts } from '../../tokens/issue.js';
import { deviceCodeParamsCodec, type DeviceCodeParams } from './codec.js';
import { deviceCodeGrantType, handleDeviceCode, type DeviceCodePorts, type IssueDeviceTokens } from './handler.js';
import { optional } from '../../domain/optional.js';
import { audienceFacts, audienceIssueFacts } from '../../resources/indicators.js';

export { deviceCodeGrantType, type DeviceCodePorts, type DeviceTokenRequest, type IssueDeviceTokens } from './handler.js';
export { type DeviceCodeParams } from './codec.js';

/**
 * The RFC 8628 device authorization grant (`urn:ietf:params:oauth:grant-type:device_code`), usable by public
 * clients too (RFC 8628 §3.4: devices are typically public clients). `issue` is token issuance.
 */
export const makeDeviceCodeGrant = <P>(issue: IssueDeviceTokens<DeviceCodePorts & P>): Grant<DeviceCodePorts & P, DeviceCodeParams, typeof deviceCodeGrantType> => ({
  grantType: deviceCodeGrantType,
  params: deviceCodeParamsCodec,
  clients: 'any',
  ports: ['deviceCodes'],
  handle: handleDeviceCode(issue),
});

/**
 * RFC 8628 §3.5 successful response: the ordinary token response (RFC 6749 §5.1) through `issueTokens`, with the
 * RFC 8707 audience of the device authorization request (`aud`, the scopes and token format its resources set).
 */
const issueDeviceTokens: IssueDeviceTokens<DeviceCodePorts & IssuePorts> = (request) => (ctx) =>
  issueTokens({
    client: request.client,
    grantType: deviceCodeGrantType,
    grantId: request.grantId,
    subject: request.subject,
    scope: request.scope,
    refresh: request.refreshToken ? { _tag: 'New' } : { _tag: 'None' },
    ...optional('grantedResources', request.grantedResources),
    ...audienceIssueFacts(audienceFacts(ctx.config.resources, request.audience, request.scope)),
    ...optional('authTime', request.authTime),
  })(ctx);

/** The device grant with the core's token issuance (opaque or JWT access token, refresh token, ID token). */
export const deviceCodeGrant: Grant<DeviceCodePorts & IssuePorts, DeviceCodeParams, typeof deviceCodeGrantType> = makeDeviceCodeGrant<IssuePorts>(issueDeviceTokens);
