/**
 * Error bodies of the API side beyond the OAuth table (`../errors.ts`). Where the protocol is
 * silent the shapes follow Strava's usual `{"message","errors":[{resource,field,code}]}`.
 */
import { badRequest, type StravaFailure } from '../errors.ts';

/** 404 for an id that does not exist, or that this token may not know about. */
export const recordNotFound = (resource: string): StravaFailure => ({
  status: 404,
  body: { message: 'Record Not Found', errors: [{ resource, field: 'id', code: 'invalid' }] },
});

/** 403 for an object the athlete may see but not change, or another athlete's stats. */
export const forbidden = (resource: string, field: string): StravaFailure => ({
  status: 403,
  body: { message: 'Forbidden', errors: [{ resource, field, code: 'invalid' }] },
});

/** 400 for a required parameter that is absent. */
export const missingParameter = (resource: string, field: string): StravaFailure => badRequest(resource, field, 'missing');

/** 400 for a parameter that is present but unusable. */
export const invalidParameter = (resource: string, field: string): StravaFailure => badRequest(resource, field, 'invalid');
