import * as v from 'valibot';
import { AppError } from '../domain/errors';
import type { AppContext } from './app';

/**
 * Reads the JSON body and validates it with a shared schema. A body that is not JSON, or
 * does not fit, is a 400 naming the first field at fault (never echoing its value).
 */
export async function readJson<S extends v.GenericSchema>(c: AppContext, schema: S): Promise<v.InferOutput<S>> {
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    throw new AppError('bad_request', 'Send the request body as application/json.');
  }
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new AppError('bad_request', 'The request body is not valid JSON.');
  }
  const result = v.safeParse(schema, body);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue ? (v.getDotPath(issue) ?? 'body') : 'body';
    throw new AppError('validation_failed', `Invalid field: ${path}.`);
  }
  return result.output;
}

/** Validates a query parameter set the same way. */
export function readQuery<S extends v.GenericSchema>(c: AppContext, schema: S): v.InferOutput<S> {
  const result = v.safeParse(schema, c.req.query());
  if (!result.success) {
    const issue = result.issues[0];
    throw new AppError('validation_failed', `Invalid parameter: ${issue ? (v.getDotPath(issue) ?? 'query') : 'query'}.`);
  }
  return result.output;
}
