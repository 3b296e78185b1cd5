export { createVerifier, type Verifier, type VerifierHooks } from './verifier.js';
export type {
  AcceptedValues,
  Algorithm,
  CredentialOptions,
  IssuerOptions,
  IssuerResolver,
  IssuerResolverContext,
  JwksCacheOptions,
  KeySourceOptions,
  MultiIssuerOptions,
  PolicyOptions,
  RuntimeOptions,
  SingleIssuerOptions,
  VerifierOptions,
} from './options.js';
export type { IssuerPreloadResult, PreloadProblem, PreloadReport } from './preload.js';
export {
  ConfigurationError,
  CredentialsMissingError,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  isLatchkeyError,
  KeySourceUnavailableError,
  LatchkeyError,
  RevocationUnavailableError,
  ServiceUnavailableError,
  type BearerErrorCode,
  type FailureCode,
  type FailureStatus,
  type InvalidTokenCode,
} from './errors.js';
export { renderFailure, type RenderedFailure, type RenderOptions } from './render.js';
export { extractToken, isLoopbackAddress, parseAuthorization, type CredentialRequest, type ExtractedToken, type ExtractOptions, type TokenLocation } from './extract.js';
export {
  checkClaims,
  checkScopes,
  claimRequirement,
  scopeRequirement,
  scopesOf,
  type ClaimRequirement,
  type ScopeRequirement,
} from './scopes.js';
export type { AuthInfo, LatchkeyClaims, VerifiedClaims } from './types.js';
export {
  DIAGNOSTICS_CHANNEL,
  type FetchFailureReason,
  type FetchTrigger,
  type KeySourceEvent,
  type KeySourceEventListener,
  type LatchkeyEvent,
  type LatchkeyEventListener,
  type RevocationEvent,
  type SkippedKeyReason,
} from './events.js';
export * from './revocation/index.js';
