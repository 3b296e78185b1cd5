export { generateTestKey, generateTestKeys, publicKeyPem, toJwks } from './keys.js';
export type { TestAlgorithm, TestKey } from './keys.js';

export { base64url, signRawCompact, unsignedToken } from './jws.js';
export { createTokenFactory } from './tokens.js';
export type { SignTokenOptions, TokenFactory, TokenFactoryOptions } from './tokens.js';
export { tokenPresets, wrongAudience, wrongIssuer } from './token-presets.js';
export type { TokenPreset } from './token-presets.js';

export { startIssuer } from './issuer.js';
export type { IssuerRequestCounts, IssuerRequestLogEntry, LocalIssuer, StartIssuerOptions } from './issuer.js';
export type { IssuerEndpoint, IssuerFault, ResponseFault } from './issuer-faults.js';
export { authorizationServerMetadataPath, jwksPath, openidConfigurationPath } from './discovery.js';

export { conformanceTable, extraConformanceTokens, sendConformanceRequest } from './conformance.js';
export type { ConformancePath, ConformanceResponse, ConformanceRow, ConformanceTokens } from './conformance.js';
export { CONFORMANCE_AUDIENCE, startConformanceSetup } from './conformance-setup.js';
export type { ConformanceAppOptions, ConformanceSetup } from './conformance-setup.js';
