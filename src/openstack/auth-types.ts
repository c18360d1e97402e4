/** keystoneauth's plugin names wd supports (password and token are its version-discovering aliases of the v3 ones). */
export const AUTH_TYPES = [
  'password',
  'v3password',
  'v3applicationcredential',
  'token',
  'v3token',
  'v3oidcpassword',
  'v3oidcclientcredentials',
  'v3oidcaccesstoken',
] as const
export type AuthType = (typeof AUTH_TYPES)[number]
