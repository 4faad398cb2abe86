import { ServiceError } from './service-error.ts';

/** A parameter of the request is wrong; the message names it (never echoes a value that may be secret). */
export class InvalidRequestError extends ServiceError {
  constructor(problem: string, remedy: string) {
    super(400, problem, { code: 'invalid_request', remedy });
  }
}
