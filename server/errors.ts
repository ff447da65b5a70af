import { TRPCError } from '@trpc/server';
import { translate, type Language, type MessageKey } from '../i18n/index.ts';

export type ErrorCode =
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'BAD_REQUEST'
  | 'PRECONDITION_FAILED'
  | 'TOO_MANY_REQUESTS'
  | 'INTERNAL_SERVER_ERROR';

/**
 * A refusal a person will read: the tRPC code for clients, the catalogue key for tests and
 * the client (data.reason), and the sentence in the reader's language.
 */
export class AppError extends TRPCError {
  constructor(
    code: ErrorCode,
    public readonly reason: MessageKey,
    lang: Language,
    public readonly params: Record<string, string | number> = {},
  ) {
    super({ code, message: translate(lang, reason, params) });
  }
}

/** Builds errors in one language, so commands need not carry the language around. */
export function errorsFor(lang: Language) {
  return (code: ErrorCode, reason: MessageKey, params?: Record<string, string | number>) => new AppError(code, reason, lang, params);
}
export type Fail = ReturnType<typeof errorsFor>;
