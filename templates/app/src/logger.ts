/** Structured JSON logs (one object per line) for CloudWatch Logs. */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'app' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Belt and braces: nothing token-like should reach a log line.
      redact: { paths: ['token', '*.token', 'password', '*.password', 'req.headers.authorization'], censor: '[redacted]' },
    },
    destination,
  );
}
