/** Bundles the bootstrap Lambda exactly like DatabaseUsers' NodejsFunction (CJS, node24, minified, SDK external). */
import { join } from 'node:path';
import { build } from 'esbuild';

const HANDLER_ENTRY = join(import.meta.dirname, '..', '..', 'src', 'lambda', 'db-users', 'handler.ts');

export async function bundleHandler(): Promise<{ code: Uint8Array }> {
  const result = await build({
    entryPoints: [HANDLER_ENTRY],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    minify: true,
    external: ['@aws-sdk/*'],
    write: false,
    outfile: 'index.js',
    logLevel: 'silent',
  });
  return { code: result.outputFiles[0]!.contents };
}
