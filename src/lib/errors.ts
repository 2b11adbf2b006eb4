// Typed domain errors. Transports (HTTP, CLI) map them in one place each;
// anything else is an unexpected failure and is never shown verbatim to a client.

export type ErrorCode = 'not_found' | 'conflict' | 'invalid_input' | 'forbidden' | 'unauthorized';

/** Where in an input file or payload a problem sits: enough for a person to find and fix it. */
export interface Problem {
  file?: string;
  row?: number;
  field?: string;
  reason: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string) => new DomainError('not_found', `${what} not found`);
export const conflict = (message: string) => new DomainError('conflict', message);
export const invalidInput = (message: string, problems: Problem[] = []) =>
  new DomainError('invalid_input', message, problems);
export const forbidden = (message = 'outside your permissions or scope') =>
  new DomainError('forbidden', message);
export const unauthorized = (message = 'a valid API token is required') =>
  new DomainError('unauthorized', message);

/** "file:row field: reason", the one-line form used by the CLI and reject reports. */
export function formatProblem(p: Problem): string {
  const where = [p.file, p.row === undefined ? undefined : `row ${p.row}`].filter(Boolean).join(' ');
  const field = p.field ? `${p.field}: ` : '';
  return where ? `${where}: ${field}${p.reason}` : `${field}${p.reason}`;
}
