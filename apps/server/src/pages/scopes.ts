import type { ScopeDefinition } from '@grantor/core';

/** What a scope lets an application do, in words a person reads, when the scope registry gives none. */
const builtIn: Readonly<Record<string, string>> = {
  openid: 'Sign you in with your account identifier',
  profile: 'Your name and profile details',
  email: 'Your email address',
  offline_access: 'Stay signed in (keep access while you are away)',
};

/** The description of `scope`: the operator's (scope registry) first, else the built-in one for OIDC scopes. */
export const scopeDescription = (registry: Readonly<Record<string, string>>, scope: string): string | undefined =>
  Object.prototype.hasOwnProperty.call(registry, scope) ? registry[scope] : Object.prototype.hasOwnProperty.call(builtIn, scope) ? builtIn[scope] : undefined;

/** The registry's descriptions by scope name. */
export const descriptionsOf = (scopes: readonly ScopeDefinition[]): Readonly<Record<string, string>> =>
  Object.fromEntries(scopes.flatMap((s) => (s.description === undefined ? [] : [[s.name, s.description] as const])));

/** One requested scope as the consent page shows it. */
export interface ConsentScope {
  readonly name: string;
  readonly description?: string;
  /** The person may untick it (the registry says optional; never `openid`). */
  readonly optional: boolean;
}

/**
 * The requested scopes with the registry's words and whether each may be deselected. `selectable: false` (the
 * device flow) shows every scope as required.
 */
export const consentScopes = (registry: readonly ScopeDefinition[], requested: readonly string[], selectable: boolean): readonly ConsentScope[] => {
  const descriptions = descriptionsOf(registry);
  return requested.map((name) => {
    const description = scopeDescription(descriptions, name);
    const optional = selectable && name !== 'openid' && registry.some((s) => s.name === name && s.optional);
    return { name, optional, ...(description === undefined ? {} : { description }) };
  });
};

/** The form field of the requested scope at `index` (one field per scope: the form parser refuses repeated fields). */
export const scopeField = (index: number): string => `grant_${index}`;

/**
 * RFC 6749 §3.3 / OpenID Connect Core §3.1.2.4: the scope the person grants — every required scope, and each optional
 * one whose box stayed ticked (a browser sends a ticked box's field and never an unticked one's, so its presence
 * counts, whatever its non-empty value: an empty parameter is an omitted one, RFC 6749 §3.1). Built from the requested list, so a form can only narrow it, never add to it.
 */
export const grantedScope = (scopes: readonly ConsentScope[], form: Readonly<Record<string, string>>): readonly string[] =>
  scopes.filter((s, i) => !s.optional || form[scopeField(i)] !== undefined).map((s) => s.name);
