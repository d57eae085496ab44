import semver from 'semver';
import { PACKAGE_VERSION } from '../../src/package-info.js';

/** A version just below this one (a pre-release of it): the "earlier version" of update tests. */
export const EARLIER_VERSION = `${semver.coerce(PACKAGE_VERSION)!.version}-previous.0`;
