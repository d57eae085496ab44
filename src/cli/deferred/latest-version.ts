/**
 * Stands in for `latest-version` inside yeoman-generator (see ../startup-hooks.ts): the generator
 * imports it at start-up to look up dependency versions on the registry, which this generator
 * never does. Its HTTP client sets up `fetch` when it loads; the real module now loads on first use.
 */
import { realModuleOf } from './real-module.js';

const real = realModuleOf<{ default: (...args: unknown[]) => unknown }>(import.meta.url);

export default function latestVersion(...args: unknown[]): unknown {
  return real().default(...args);
}
