import { rmSync } from 'node:fs';

/** Jest's global teardown: removes this run's shared syntheses (the directory global-setup.ts made). */
export default function globalTeardown(): void {
  const dir = process.env.SHARED_SYNTHESES_DIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
}
