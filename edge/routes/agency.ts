/**
 * The agency webhook: server-to-server, authenticated by a per-agency HMAC signature over
 * the raw body (not by a cookie), so it lives outside /api and its browser CSRF guard.
 */
import { bodyLimit } from 'hono/body-limit';
import { AGENCY_HEADERS, type AgencyEventResponse } from '../../shared/services';
import { receiveAgencyEvent } from '../domain/agency-events';
import { AppError } from '../domain/errors';
import { createRouter, type AppContext } from '../http/app';
import { errorResponse } from '../http/errors';
import { servicesDepsFor } from '../http/services-deps';

export const agency = createRouter().post(
  '/events',
  bodyLimit({ maxSize: 16 * 1024, onError: (c) => errorResponse(c as AppContext, 'payload_too_large', 'The request is too large.') }),
  async (c) => {
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
      throw new AppError('bad_request', 'Send the event as application/json.');
    }
    // The signature covers the exact bytes sent: read the raw text, parse only after verifying.
    const raw = await c.req.text();
    const result: AgencyEventResponse = await receiveAgencyEvent(
      servicesDepsFor(c),
      { agency: c.req.header(AGENCY_HEADERS.agency), timestamp: c.req.header(AGENCY_HEADERS.timestamp), signature: c.req.header(AGENCY_HEADERS.signature) },
      raw,
    );
    c.header('Cache-Control', 'no-store');
    return c.json(result, 202);
  },
);
