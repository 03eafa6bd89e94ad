/**
 * The citizen's services: residence notification and security reports (submitted from the
 * phone's offline outbox, each with an Idempotency-Key), their history, and the household
 * a guest may declare. Submissions answer 201 with the stored record, the first time and
 * every time the same key comes again (then with `Idempotent-Replayed: true`).
 */
import { bodyLimit } from 'hono/body-limit';
import * as v from 'valibot';
import {
  IDEMPOTENCY_HEADER,
  IdempotencyKey,
  MAX_PHOTO_BYTES,
  MAX_PHOTOS,
  PHOTO_FIELD,
  PhotoParams,
  REPORT_FIELD,
  ReportRequest,
  ResidenceNoticeRequest,
  type Household,
  type Report,
  type ResidenceNotice,
} from '../../shared/services';
import { AppError } from '../domain/errors';
import { household, listMyResidenceNotices, submitResidenceNotice } from '../domain/residence';
import { listMyReports, myReportPhoto, submitReport } from '../domain/reports';
import { createRouter, depsFor, type AppContext } from '../http/app';
import { errorResponse } from '../http/errors';
import { readMultipart } from '../http/multipart';
import { servicesDepsFor } from '../http/services-deps';
import { requireSession } from '../http/session';
import { readJson } from '../http/validate';

/** Paths whose bodies may exceed the API's 64 KB limit (they set their own): see edge/index.ts. */
export const UPLOAD_PATHS: ReadonlySet<string> = new Set(['/api/services/reports', '/api/officer/services/news']);
/** A report with three photos at their largest, and room for the JSON and the multipart framing. */
export const REPORT_BODY_MAX = MAX_PHOTOS * MAX_PHOTO_BYTES + 64 * 1024;

export function readIdempotencyKey(c: AppContext): string {
  const result = v.safeParse(IdempotencyKey, c.req.header(IDEMPOTENCY_HEADER) ?? '');
  if (!result.success) throw new AppError('validation_failed', `Invalid header: ${IDEMPOTENCY_HEADER}.`);
  return result.output;
}

export const services = createRouter()
  .use('*', requireSession)
  .get('/household', async (c) => {
    const { account } = c.get('session')!;
    const result: Household = await household(depsFor(c), account);
    return c.json(result);
  })
  .post('/residence', async (c) => {
    const { account } = c.get('session')!;
    const key = readIdempotencyKey(c);
    const input = await readJson(c, ResidenceNoticeRequest);
    const { notice, replayed } = await submitResidenceNotice(servicesDepsFor(c), account, key, input);
    if (replayed) c.header('Idempotent-Replayed', 'true');
    return c.json(notice satisfies ResidenceNotice, 201);
  })
  .get('/residence', async (c) => {
    const { account } = c.get('session')!;
    const notices: ResidenceNotice[] = await listMyResidenceNotices(depsFor(c), account);
    return c.json({ notices });
  })
  .post(
    '/reports',
    bodyLimit({ maxSize: REPORT_BODY_MAX, onError: (c) => errorResponse(c as AppContext, 'payload_too_large', 'The report is too large.') }),
    async (c) => {
      const { account } = c.get('session')!;
      const key = readIdempotencyKey(c);
      const { input, files } = await readMultipart(c, { jsonField: REPORT_FIELD, schema: ReportRequest, fileField: PHOTO_FIELD, maxFiles: MAX_PHOTOS });
      const { report, replayed } = await submitReport(servicesDepsFor(c), account, key, input, files);
      if (replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(report satisfies Report, 201);
    },
  )
  .get('/reports', async (c) => {
    const { account } = c.get('session')!;
    const reports: Report[] = await listMyReports(depsFor(c), account);
    return c.json({ reports });
  })
  .get('/reports/:id/photos/:n', async (c) => {
    const { account } = c.get('session')!;
    const params = v.safeParse(PhotoParams, c.req.param());
    if (!params.success) throw new AppError('not_found', 'No such photo.');
    const object = await myReportPhoto(servicesDepsFor(c), account, params.output.id, params.output.n);
    c.header('Content-Type', 'image/jpeg');
    c.header('Cache-Control', 'private, max-age=86400');
    return c.body(object.body);
  });
