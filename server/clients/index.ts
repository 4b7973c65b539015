export { createClient, type NewClient } from './createClient.js';
export { rotateClientSecret } from './rotateClientSecret.js';
export { revokeClient } from './revokeClient.js';
export { listClients, type ClientView } from './listClients.js';
export { issueAccessToken, refuseTokenRequest, type TokenGrant } from './issueAccessToken.js';
export { findAccessToken, type SystemClient } from './findAccessToken.js';
export { ensureDemoClients, removeDemoClients, DEMO_CLIENT_IDS, DEMO_CLIENT_SECRET } from './demoClients.js';
export { SCOPES, parseScopes, type Scope } from './scopes.js';
export { ACCESS_TOKEN_TTL_SECONDS, type ClientDeps } from './deps.js';
