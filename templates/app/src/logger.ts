/**
 * Structured JSON logs (one object per line) for CloudWatch Logs.
 *
 * Written through a bounded buffer: pino's default stdout destination buffers without limit while
 * the reader of the pipe (the container's log driver) is slower than the service writes, which is
 * how a burst of error logs once grew the process from ~90 MB to ~700 MB. Beyond `maxBufferBytes`
 * lines are dropped and counted, and the count is logged once the buffer has room again.
 */
import type { Context } from 'hono';
import { pino, type DestinationStream, type Logger } from 'pino';
import { requestIdOf } from './request-context.js';

export type { Logger };

/** The service's logger with the request id (made on demand: most requests never log anything else). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any app environment
export function requestLogger(logger: Logger, c: Context<any>): Logger {
  return logger.child({ requestId: requestIdOf(c) });
}

export interface LogBufferOptions {
  /** Log bytes held in memory while stdout is slower than the service; more are dropped. @default 8 MiB */
  readonly maxBufferBytes?: number;
  /** Bytes gathered before a write to stdout (fewer system calls under load). @default 4096 */
  readonly minWriteBytes?: number;
}

export function createLogger(level: string, destination?: DestinationStream, buffer: LogBufferOptions = {}): Logger {
  const stdout = destination ? undefined : pino.destination({
    dest: 1,
    sync: false,
    minLength: buffer.minWriteBytes ?? 4096,
    maxLength: buffer.maxBufferBytes ?? 8 * 1024 * 1024,
    // Lines gathered below minLength reach stdout within a second even when traffic is low.
    periodicFlush: 1_000,
  });
  const logger = pino(
    {
      level,
      base: { service: 'app' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Belt and braces: nothing token-like should reach a log line.
      redact: { paths: ['token', '*.token', 'password', '*.password', 'req.headers.authorization'], censor: '[redacted]' },
    },
    destination ?? stdout,
  );
  if (stdout) reportDrops(stdout, logger);
  return logger;
}

/** Counts lines the bounded buffer dropped and logs the count once, a few seconds later. */
function reportDrops(stream: ReturnType<typeof pino.destination>, logger: Logger): void {
  let dropped = 0;
  stream.on('drop', () => {
    dropped += 1;
    if (dropped > 1) return;
    setTimeout(() => {
      logger.warn({ droppedLogLines: dropped }, 'log lines dropped: stdout could not keep up');
      dropped = 0;
    }, 5_000).unref();
  });
}
