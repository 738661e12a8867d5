import { pino, type Logger } from 'pino';

/** Structured JSON logs on stderr; one logger per process, children per component. */
export function createLogger(level: string, component: string): Logger {
  return pino({ level, base: { component } }, pino.destination(2));
}
