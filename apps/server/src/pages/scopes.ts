/** What a scope lets an application do, in words a person reads on the consent and account pages. */
const builtIn: Readonly<Record<string, string>> = {
  openid: 'Sign you in with your account identifier',
  profile: 'Your name and profile details',
  email: 'Your email address',
  offline_access: 'Stay signed in (keep access while you are away)',
};

/** The description of `scope`: the operator's (scope registry) first, else the built-in one for OIDC scopes. */
export const scopeDescription = (registry: Readonly<Record<string, string>>, scope: string): string | undefined =>
  Object.prototype.hasOwnProperty.call(registry, scope) ? registry[scope] : Object.prototype.hasOwnProperty.call(builtIn, scope) ? builtIn[scope] : undefined;
