/** D1 access for news and crime-trick warnings. */
import type { NewsCategory, NewsKind } from '../../shared/services';
import type { MainDb } from './shards';

export interface NewsRow {
  id: string;
  kind: NewsKind;
  category: NewsCategory;
  title: string;
  body: string;
  imageKey: string | null;
  publishedBy: string;
  publishedAt: number;
  pushCursor: string | null;
  pushSent: number;
  pushState: 'none' | 'running' | 'done';
}

interface Row {
  id: string;
  kind: string;
  category: string;
  title: string;
  body: string;
  image_key: string | null;
  published_by: string;
  published_at: number;
  push_cursor: string | null;
  push_sent: number;
  push_state: string;
}

function toNews(r: Row): NewsRow {
  return {
    id: r.id,
    kind: r.kind === 'warning' ? 'warning' : 'news',
    category: r.category as NewsCategory,
    title: r.title,
    body: r.body,
    imageKey: r.image_key,
    publishedBy: r.published_by,
    publishedAt: r.published_at,
    pushCursor: r.push_cursor,
    pushSent: r.push_sent,
    pushState: r.push_state as NewsRow['pushState'],
  };
}

export async function insertNews(db: MainDb, n: NewsRow): Promise<void> {
  await db
    .prepare('INSERT INTO news (id, kind, category, title, body, image_key, published_by, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .bind(n.id, n.kind, n.category, n.title, n.body, n.imageKey, n.publishedBy, n.publishedAt)
    .run();
}

export async function readNews(db: MainDb, id: string): Promise<NewsRow | null> {
  const r = await db.prepare('SELECT * FROM news WHERE id = ?').bind(id).first<Row>();
  return r ? toNews(r) : null;
}

export async function listNews(db: MainDb, before: number, limit: number): Promise<NewsRow[]> {
  const { results } = await db.prepare('SELECT * FROM news WHERE published_at < ? ORDER BY published_at DESC LIMIT ?').bind(before, limit).all<Row>();
  return results.map(toNews);
}

/** none → running: starts a broadcast once; false if it was already started. */
export async function startNewsPush(db: MainDb, id: string): Promise<boolean> {
  const r = await db.prepare("UPDATE news SET push_state = 'running', push_cursor = '' WHERE id = ? AND push_state = 'none'").bind(id).run();
  return r.meta.changes === 1;
}

export async function listRunningNewsPushes(db: MainDb, limit: number): Promise<NewsRow[]> {
  const { results } = await db.prepare("SELECT * FROM news WHERE push_state = 'running' ORDER BY published_at LIMIT ?").bind(limit).all<Row>();
  return results.map(toNews);
}

/**
 * Moves a broadcast's cursor forward, only from where this worker read it (compare and
 * swap): two workers continuing the same broadcast never send one page twice.
 */
export async function advanceNewsPush(db: MainDb, id: string, from: string, to: string, sent: number, done: boolean): Promise<boolean> {
  const r = await db
    .prepare("UPDATE news SET push_cursor = ?, push_sent = push_sent + ?, push_state = ? WHERE id = ? AND push_cursor = ? AND push_state = 'running'")
    .bind(to, sent, done ? 'done' : 'running', id, from)
    .run();
  return r.meta.changes === 1;
}
