import type { Grant } from '../grant.js';
import { issueTokens, type IssuePorts } from '../../tokens/issue.js';
import { deviceCodeParamsCodec, type DeviceCodeParams } from './codec.js';
import { deviceCodeGrantType, handleDeviceCode, type DeviceCodePorts, type IssueDeviceTokens } from './handler.js';
import { optional } from '../../domain/optional.js';

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

/** RFC 8628 §3.5 successful response: the ordinary token response (RFC 6749 §5.1) through `issueTokens`. */
const issueDeviceTokens: IssueDeviceTokens<DeviceCodePorts & IssuePorts> = (request) =>
  issueTokens({
    client: request.client,
    grantType: deviceCodeGrantType,
    grantId: request.grantId,
    subject: request.subject,
    scope: request.scope,
    refresh: request.refreshToken ? { _tag: 'New' } : { _tag: 'None' },
    ...optional('authTime', request.authTime),
  });

/** The device grant with the core's token issuance (opaque or JWT access token, refresh token, ID token). */
export const deviceCodeGrant: Grant<DeviceCodePorts & IssuePorts, DeviceCodeParams, typeof deviceCodeGrantType> = makeDeviceCodeGrant<IssuePorts>(issueDeviceTokens);
