// The one place where errors become HTTP responses. Every error body carries the request id;
// unexpected errors are logged and answered with a generic 500, never a stack or SQL text.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DomainError, type ErrorCode } from '../lib/errors.ts';

const STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
};

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const requestId = request.id;
  if (error instanceof DomainError) {
    return reply.status(STATUS[error.code]).send({
      error: error.code,
      message: error.message,
      problems: error.problems.length ? error.problems : undefined,
      requestId,
    });
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    return reply.status(400).send({
      error: 'invalid_input',
      message: 'the request does not match the API schema',
      problems: error.validation.map((issue) => ({
        field: `${error.validationContext ?? ''}${issue.instancePath}`.replaceAll('/', '.'),
        reason: issue.message ?? 'invalid',
      })),
      requestId,
    });
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return reply.status(error.statusCode).send({ error: 'bad_request', message: error.message, requestId });
  }
  request.log.error({ err: error, requestId }, 'unexpected error');
  console.error(`[${requestId}]`, error);
  return reply.status(500).send({ error: 'internal', message: 'an unexpected error occurred', requestId });
}
