/**
 * The one Node.js version rule of this package (package.json `engines` says the same): Yeoman needs
 * ^22.18. It imports nothing, so that it runs on any Node, before anything that could fail there.
 */
const REQUIRED = [22, 18] as const;

/** The one line an older Node.js gets, naming both versions; undefined on a supported one. */
export function unsupportedNodeMessage(version: string = process.versions.node): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major > REQUIRED[0] || (major === REQUIRED[0] && minor >= REQUIRED[1])) return undefined;
  return (
    `create-rds-iam-stack needs Node.js ${REQUIRED.join('.')} or newer; this is Node.js ${version}. ` +
    'Install a current Node.js (https://nodejs.org) and run it again.'
  );
}
