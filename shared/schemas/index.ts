export * from './common.js';
export * from './medium.js';
export * from './signingRequest.js';
export * from './verify.js';
export * from './systemRules.js';
