import { nonEmptyString, struct, type Codec, type TypeOf } from '../../codec/decode.js';

/**
 * RFC 8628 §3.4 token request parameters of the device grant (`client_id` is client authentication's business), with
 * RFC 8707 §2 `resource` (one value: the audience, among those of the device authorization request).
 */
const deviceCodeParams = struct('DeviceCodeParams', { device_code: nonEmptyString }, { resource: nonEmptyString });

export type DeviceCodeParams = TypeOf<typeof deviceCodeParams>;

export const deviceCodeParamsCodec: Codec<DeviceCodeParams> = deviceCodeParams;
