/**
 * An optional member for an object spread: `{ ...optional('nonce', nonce) }` has `nonce` only when it is defined,
 * so records built with it stay valid under `exactOptionalPropertyTypes` (no `nonce: undefined`).
 */
export const optional = <K extends string, V>(key: K, value: V | undefined): { readonly [P in K]?: V } =>
  value === undefined ? {} : ({ [key]: value } as { readonly [P in K]: V });
