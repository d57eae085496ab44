/**
 * /items CRUD. `query()` with `?` placeholders (escaped client-side), never `execute()`: server-side
 * prepared statements pin RDS Proxy sessions to one database connection.
 */
import { zValidator } from '@hono/zod-validator';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { ResultSetHeader, RowDataPacket } from 'mysql2';
import { z } from 'zod';
import type { Pool } from '../db.js';
import { errorResponse } from '../errors.js';
import type { AppEnv } from '../app.js';

const ItemId = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const ItemInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullable().optional(),
});
const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
});

interface ItemRow extends RowDataPacket {
  id: number;
  name: string;
  description: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, name, description, created_at, updated_at';

function toItem(row: ItemRow) {
  return {
    id: Number(row.id),
    name: row.name,
    description: row.description,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** zod failures become 400 JSON errors listing the offending fields. */
function invalid(result: { success: boolean; error?: { issues: readonly z.core.$ZodIssue[] } }, c: Context): Response | undefined {
  if (result.success || !result.error) return undefined;
  const details = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  return errorResponse(c, 400, 'invalid_request', 'The request is invalid', details);
}

/** JSON bodies only: `application/json` or a `+json` type, any parameters. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

/** 415 for any other content type (zod's JSON validator would otherwise answer a vague 400). */
const requireJson: MiddlewareHandler<AppEnv> = async (c, next) => {
  const type = c.req.header('content-type') ?? '';
  if (!JSON_MEDIA_TYPE.test(type)) {
    c.header('Accept', 'application/json');
    return errorResponse(c, 415, 'unsupported_media_type', `Content-Type must be application/json, not ${JSON.stringify(type.slice(0, 100))}`);
  }
  return next();
};

const ITEM_BY_ID_SQL = `SELECT ${COLUMNS} FROM items WHERE id = ?`;

export function itemRoutes(pool: Pool, queryTimeoutMs: number): Hono<AppEnv> {
  const select = async (id: number) => {
    const [rows] = await pool.query<ItemRow[]>({ sql: ITEM_BY_ID_SQL, timeout: queryTimeoutMs }, [id]);
    return rows[0];
  };
  const notFound = (c: Context<AppEnv>, id: number) => errorResponse(c, 404, 'not_found', `Item ${id} does not exist`);

  return new Hono<AppEnv>()
    .get('/', zValidator('query', ListQuery, invalid), async (c) => {
      const { limit, after } = c.req.valid('query');
      const [rows] = await pool.query<ItemRow[]>(
        { sql: `SELECT ${COLUMNS} FROM items WHERE id > ? ORDER BY id LIMIT ?`, timeout: queryTimeoutMs },
        [after, limit],
      );
      const items = rows.map(toItem);
      return c.json({ items, next: items.length === limit ? items[items.length - 1]!.id : null });
    })
    .post('/', requireJson, zValidator('json', ItemInput, invalid), async (c) => {
      const { name, description } = c.req.valid('json');
      const [result] = await pool.query<ResultSetHeader>(
        { sql: 'INSERT INTO items (name, description, created_at, updated_at) VALUES (?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))', timeout: queryTimeoutMs },
        [name, description ?? null],
      );
      const row = await select(result.insertId);
      // The shared error handler logs it and answers 500 `internal_error`.
      if (!row) throw new Error(`item ${result.insertId} not found right after its insert`);
      c.header('Location', `/items/${row.id}`);
      return c.json(toItem(row), 201);
    })
    .get('/:id', zValidator('param', ItemId, invalid), async (c) => {
      const { id } = c.req.valid('param');
      const row = await select(id);
      return row ? c.json(toItem(row)) : notFound(c, id);
    })
    .put('/:id', zValidator('param', ItemId, invalid), requireJson, zValidator('json', ItemInput, invalid), async (c) => {
      const { id } = c.req.valid('param');
      const { name, description } = c.req.valid('json');
      const [result] = await pool.query<ResultSetHeader>(
        { sql: 'UPDATE items SET name = ?, description = ?, updated_at = UTC_TIMESTAMP(3) WHERE id = ?', timeout: queryTimeoutMs },
        [name, description ?? null, id],
      );
      if (result.affectedRows === 0) return notFound(c, id);
      const row = await select(id);
      return row ? c.json(toItem(row)) : notFound(c, id);
    })
    .delete('/:id', zValidator('param', ItemId, invalid), async (c) => {
      const { id } = c.req.valid('param');
      const [result] = await pool.query<ResultSetHeader>({ sql: 'DELETE FROM items WHERE id = ?', timeout: queryTimeoutMs }, [id]);
      return result.affectedRows === 0 ? notFound(c, id) : c.body(null, 204);
    });
}
