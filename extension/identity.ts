/**
 * The manifest key (a public key; nothing secret) fixes the Chromium extension ID, so servers can
 * trust chrome-extension://<EXTENSION_ID> (ROAMSIGN_EXTENSION_ORIGINS) and policies can name it.
 */
export const EXTENSION_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtc9hkAwsFzl0TM0LTGDk3dPAnh+5rlfnkqkvvfNaM/IQJTOjjmnbK/OcVYp1syGloficEC39WdPYK9Xn8YfnDgmAzdX5wv9V0LSLf0zBL7qTzUzkFnJI0GzXHfB3vaRXsWHa70CgAQf4HeXDVBDWZX61BTg6zdGTlKyIzE32W9kGmP01vM7S9nFzW7/gHtU3AiQCtL3urDLPACZUrLJUU7vItjCYJWbsSy/R/Jxc7mU0ZqxIXldaWpRjI9j9U5nRQB8dD26EA+4LHNik0Lh7V/1jSHh3d0mXrq0tnlAQpVjRQmkobyjYnkSXlz1N8GW/cfMYl0FIF9UNcO22mz6iUwIDAQAB';
export const EXTENSION_ID = 'apgnnmbkeccagmehfmhgimbpilbhclid';
