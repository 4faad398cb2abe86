export { ServiceError } from './service-error.ts';
export { UnauthorizedError } from './unauthorized-error.ts';
export { AthleteNotFoundError } from './athlete-not-found-error.ts';
export { AthleteGoneError, type GoneReason } from './athlete-gone-error.ts';
export { InvalidRequestError } from './invalid-request-error.ts';
export { UpstreamError } from './upstream-error.ts';
