/**
 * Multipart bodies (a report with its photos, an article with its image): one JSON field
 * validated with a shared schema, and JPEG files. Anything else in the body is refused.
 */
import * as v from 'valibot';
import { AppError } from '../domain/errors';
import type { Photo } from '../domain/reports';
import type { AppContext } from './app';

export async function readMultipart<S extends v.GenericSchema>(
  c: AppContext,
  spec: { jsonField: string; schema: S; fileField: string; maxFiles: number },
): Promise<{ input: v.InferOutput<S>; files: Photo[] }> {
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) {
    throw new AppError('bad_request', 'Send the request body as multipart/form-data.');
  }
  let form: FormData;
  try {
    form = await c.req.formData();
  } catch {
    throw new AppError('bad_request', 'The request body is not valid multipart/form-data.');
  }
  let json: unknown = undefined;
  const files: Photo[] = [];
  // workers-types lists only strings, but workerd gives File objects for file parts.
  for (const [name, value] of form.entries() as IterableIterator<[string, string | File]>) {
    if (name === spec.jsonField && typeof value === 'string' && json === undefined) {
      try {
        json = JSON.parse(value);
      } catch {
        throw new AppError('bad_request', `The ${spec.jsonField} field is not valid JSON.`);
      }
    } else if (name === spec.fileField && typeof value !== 'string') {
      if (files.length >= spec.maxFiles) throw new AppError('validation_failed', `Invalid field: ${spec.fileField}.`);
      if (value.type !== 'image/jpeg') throw new AppError('validation_failed', `Invalid field: ${spec.fileField}.${files.length}.`);
      files.push({ bytes: new Uint8Array(await value.arrayBuffer()) });
    } else {
      throw new AppError('bad_request', `Unexpected field: ${name.slice(0, 40)}.`);
    }
  }
  const result = v.safeParse(spec.schema, json);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue ? (v.getDotPath(issue) ?? spec.jsonField) : spec.jsonField;
    throw new AppError('validation_failed', `Invalid field: ${path}.`);
  }
  return { input: result.output, files };
}
