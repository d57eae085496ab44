/** The part of Yeoman's logger this CLI adjusts: a function with one method per status. */
type YeomanLog = ((...args: unknown[]) => unknown) & Record<string, unknown>;

/** The statuses Yeoman's conflicter logs for each file it writes. */
const FILE_STATUSES = ['create', 'force', 'identical', 'skip', 'conflict'] as const;

/**
 * Yeoman prefixes every failed step with "✖ An error occured while running …#step", coloured
 * whatever the stream; our errors say what went wrong themselves, so that line is dropped. A dry
 * run writes only to a scratch directory: the "create" lines would describe that, not the target.
 */
export function quietYeomanLog(log: unknown, { fileStatus }: { readonly fileStatus: boolean }): void {
  const logger = log as YeomanLog;
  const error = logger.error as (...args: unknown[]) => unknown;
  logger.error = function (this: unknown, ...args: unknown[]) {
    if (typeof args[0] === 'string' && args[0].startsWith('An error occured while running')) return logger;
    return error.apply(this, args);
  };
  if (!fileStatus) for (const status of FILE_STATUSES) logger[status] = () => logger;
}
