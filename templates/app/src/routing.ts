/**
 * 405 Method Not Allowed with `Allow`: Hono answers an unsupported method on a known path like an
 * unknown path (notFound). This reads the app's own route table, so the answer follows the routes.
 */
import type { Hono } from 'hono';

/**
 * A lookup from request path to the `Allow` value of the methods its routes accept (HEAD with GET,
 * as Hono serves HEAD from GET routes), or undefined for an unknown path. The table is built on
 * first use, after every route is registered.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any app environment
export function allowedMethodsFor(app: Hono<any>): (path: string) => string | undefined {
  let table: { pattern: RegExp; methods: Set<string> }[] | undefined;
  const build = () => {
    const byPath = new Map<string, Set<string>>();
    // Middleware is registered as method ALL or on wildcard paths; only real routes count.
    for (const route of app.routes) {
      if (route.method === 'ALL' || route.path.includes('*')) continue;
      const methods = byPath.get(route.path) ?? new Set<string>();
      methods.add(route.method);
      if (route.method === 'GET') methods.add('HEAD');
      byPath.set(route.path, methods);
    }
    return [...byPath].map(([path, methods]) => ({
      // `:name` parameters match one segment; everything else literally.
      pattern: new RegExp(`^${path.split('/').map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}/?$`),
      methods,
    }));
  };
  return (path) => {
    table ??= build();
    const methods = new Set<string>();
    for (const route of table) if (route.pattern.test(path)) for (const m of route.methods) methods.add(m);
    return methods.size > 0 ? [...methods].sort().join(', ') : undefined;
  };
}
