/**
 * The officer's side of the citizen services: the inboxes of residence notifications and
 * reports for the communes of the officer's unit (opening one marks it received),
 * acknowledging and replying (the citizen is notified), and publishing news and warnings.
 * Officers sign in through the officer console (routes/officer.ts); `requireOfficer` is its
 * session guard.
 */
import { bodyLimit } from 'hono/body-limit';
import * as v from 'valibot';
import {
  AcknowledgeRequest,
  IMAGE_FIELD,
  MAX_PHOTO_BYTES,
  NEWS_FIELD,
  NewsRequest,
  OfficerInboxQuery,
  PhotoParams,
  RecordId,
  ReplyRequest,
  type NewsItem,
  type NewsPushResult,
  type OfficerInbox,
  type OfficerReport,
  type OfficerReportSummary,
  type OfficerResidenceNotice,
  type OfficerResidenceSummary,
} from '../../shared/services';
import { AppError } from '../domain/errors';
import { publishNews, pushWarning } from '../domain/news';
import { officerScope, type OfficerScope } from '../domain/officer-scope';
import { officerReportPhoto, openReport, replyToReport, reportInbox } from '../domain/reports';
import { acknowledgeResidenceNotice, openResidenceNotice, residenceInbox } from '../domain/residence';
import { createRouter, depsFor, type AppContext } from '../http/app';
import { errorResponse } from '../http/errors';
import { readMultipart } from '../http/multipart';
import { requireOfficer } from '../http/officer-session';
import { servicesDepsFor } from '../http/services-deps';
import type { Officer } from '../store/officers';
import { readJson, readQuery } from '../http/validate';

function idParam(c: AppContext): string {
  const r = v.safeParse(RecordId, c.req.param('id'));
  if (!r.success) throw new AppError('not_found', 'Not found.');
  return r.output;
}

function officerOf(c: AppContext): Officer {
  const officer = c.get('officer');
  if (!officer) throw new AppError('unauthenticated', 'Please sign in as an officer.');
  return officer.officer;
}

function scopeOf(c: AppContext): OfficerScope {
  return officerScope(officerOf(c));
}

export const servicesOfficer = createRouter()
  .use('*', requireOfficer)
  .get('/residence', async (c) => {
    const query = readQuery(c, OfficerInboxQuery);
    const result: OfficerInbox<OfficerResidenceSummary> = await residenceInbox(depsFor(c), scopeOf(c), query);
    return c.json(result);
  })
  .get('/residence/:id', async (c) => {
    const result: OfficerResidenceNotice = await openResidenceNotice(depsFor(c), scopeOf(c), idParam(c));
    return c.json(result);
  })
  .post('/residence/:id/acknowledge', async (c) => {
    const { note } = await readJson(c, AcknowledgeRequest);
    const result: OfficerResidenceNotice = await acknowledgeResidenceNotice(servicesDepsFor(c), scopeOf(c), idParam(c), note || null);
    return c.json(result);
  })
  .get('/reports', async (c) => {
    const query = readQuery(c, OfficerInboxQuery);
    const result: OfficerInbox<OfficerReportSummary> = await reportInbox(depsFor(c), scopeOf(c), query);
    return c.json(result);
  })
  .get('/reports/:id', async (c) => {
    const result: OfficerReport = await openReport(depsFor(c), scopeOf(c), idParam(c));
    return c.json(result);
  })
  .get('/reports/:id/photos/:n', async (c) => {
    const params = v.safeParse(PhotoParams, c.req.param());
    if (!params.success) throw new AppError('not_found', 'No such photo.');
    const object = await officerReportPhoto(servicesDepsFor(c), scopeOf(c), params.output.id, params.output.n);
    c.header('Content-Type', 'image/jpeg');
    return c.body(object.body);
  })
  .post('/reports/:id/reply', async (c) => {
    const { reply } = await readJson(c, ReplyRequest);
    const result: OfficerReport = await replyToReport(servicesDepsFor(c), scopeOf(c), idParam(c), reply);
    return c.json(result);
  })
  .post(
    '/news',
    bodyLimit({ maxSize: MAX_PHOTO_BYTES + 64 * 1024, onError: (c) => errorResponse(c as AppContext, 'payload_too_large', 'The article is too large.') }),
    async (c) => {
      const { input, files } = await readMultipart(c, { jsonField: NEWS_FIELD, schema: NewsRequest, fileField: IMAGE_FIELD, maxFiles: 1 });
      const result: NewsItem = await publishNews(servicesDepsFor(c), scopeOf(c), input, files[0] ?? null);
      return c.json(result, 201);
    },
  )
  .post('/news/:id/push', async (c) => {
    const result: NewsPushResult = await pushWarning(servicesDepsFor(c), officerOf(c), idParam(c));
    return c.json(result, 202);
  });
