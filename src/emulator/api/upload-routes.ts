/**
 * `POST /uploads` (multipart: `file`, `data_type`, `name`, `description`, `trainer`, `commute`,
 * `external_id`) and `GET /uploads/{id}`, which moves processing along (see `upload-store.ts`).
 */
import type { EmulatorContext } from '../context.ts';
import { fail, json, type EmulatorRequest } from '../http.ts';
import type { Router } from '../router.ts';
import { addApiRoute } from './api-route.ts';
import { invalidParameter, missingParameter, recordNotFound } from './api-errors.ts';
import { isUploadDataType, type UploadDataType } from '../../client/upload-data-type.ts';

/** Strava refuses files over 25 MB; the emulator reads a little more so that limit can be tested. */
export const MAX_UPLOAD_BYTES = 32 * 1024 * 1024;

/** The multipart form of an upload, or null when the body is not one. */
async function readForm(req: EmulatorRequest): Promise<FormData | null> {
  const contentType = String(req.headers['content-type'] ?? '');
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) return null;
  const body = await req.readBody(); // outside the try: a 413 must stay a 413
  try {
    return await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
  } catch {
    return null;
  }
}

function text(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Registers the upload routes. */
export function registerUploadRoutes(router: Router, ctx: EmulatorContext): void {
  const { uploads } = ctx.api;

  addApiRoute(
    router,
    ctx,
    'POST',
    '/uploads',
    async (call) => {
      const form = await readForm(call.req);
      const file = form?.get('file');
      if (!form || file === null || file === undefined || typeof file === 'string') return fail(missingParameter('Upload', 'file'));
      const dataType = text(form, 'data_type');
      if (dataType === undefined) return fail(missingParameter('Upload', 'data_type'));
      if (!isUploadDataType(dataType.toLowerCase())) return fail(invalidParameter('Upload', 'data_type'));
      const flag = (name: string): boolean | undefined => {
        const value = text(form, name);
        return value === undefined ? undefined : ['1', 'true', 'on'].includes(value.toLowerCase());
      };
      const optional = <K extends string>(key: K, value: unknown) => (value === undefined ? {} : { [key]: value });
      const upload = uploads.create({
        athleteId: call.athlete.id,
        file: new Uint8Array(await file.arrayBuffer()),
        filename: file.name || `upload.${dataType}`,
        dataType: dataType.toLowerCase() as UploadDataType,
        ...optional('name', text(form, 'name')),
        ...optional('description', text(form, 'description')),
        ...optional('trainer', flag('trainer')),
        ...optional('commute', flag('commute')),
        ...optional('externalId', text(form, 'external_id')),
      });
      return json(201, upload);
    },
    { maxBodyBytes: MAX_UPLOAD_BYTES },
  );

  addApiRoute(router, ctx, 'GET', '/uploads/{id}', (call) => {
    const raw = call.req.pathParams.id ?? '';
    const upload = /^\d{1,16}$/.test(raw) ? uploads.poll(Number(raw), call.athlete.id) : undefined;
    return upload ? json(200, upload) : fail(recordNotFound('Upload'));
  });
}
