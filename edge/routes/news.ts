/** News and crime-trick warnings: a public feed (no session: it is public information) and its images. */
import * as v from 'valibot';
import { RecordId, type NewsFeed } from '../../shared/services';
import { AppError } from '../domain/errors';
import { newsFeed, newsImage } from '../domain/news';
import { createRouter, depsFor } from '../http/app';
import { servicesDepsFor } from '../http/services-deps';
import { readQuery } from '../http/validate';

export const news = createRouter()
  .get('/', async (c) => {
    const { before } = readQuery(c, v.object({ before: v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/), v.transform(Number))) }));
    const result: NewsFeed = await newsFeed(depsFor(c), before);
    return c.json(result);
  })
  .get('/:id/image', async (c) => {
    const id = v.safeParse(RecordId, c.req.param('id'));
    if (!id.success) throw new AppError('not_found', 'No such image.');
    const object = await newsImage(servicesDepsFor(c), id.output);
    c.header('Content-Type', 'image/jpeg');
    return c.body(object.body);
  });
