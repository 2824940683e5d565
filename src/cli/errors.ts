/**
 * How the command line fails (DESIGN.md): exit 2 for bad input, with a message that names the file
 * or frame and what to do; exit 1 for anything else. One line on stderr, never a stack trace unless
 * AUTOROTO_DEBUG=1.
 */
import { InvalidDocumentError } from '../core/document.ts';
import { FileError } from '../core/file-error.ts';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;
/** 128 + SIGINT, what shells report for Ctrl-C. */
export const EXIT_INTERRUPTED = 130;

/** Input the user can fix: a missing or unreadable file, a bad option, an invalid document. Exit 2. */
export class BadInputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BadInputError';
  }
}

/** A command line that cannot be understood; the message is followed by the command's usage. */
export class UsageError extends BadInputError {
  constructor(message: string, readonly usage: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Errors from the libraries that mean bad input become BadInputError; others are returned as they are. */
export function asBadInput(error: unknown): unknown {
  // A model, frame, video or matte that cannot be used (ModelError, FootageError, ImageReadError).
  if (error instanceof FileError) return new BadInputError(error.message, { cause: error });
  if (error instanceof InvalidDocumentError) return new BadInputError(error.message, { cause: error });
  return error;
}

export function exitCodeFor(error: unknown): number {
  return asBadInput(error) instanceof BadInputError ? EXIT_BAD_INPUT : EXIT_FAILURE;
}

export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.AUTOROTO_DEBUG === '1';
}

/** What goes on stderr for `error`: `autoroto: <one line>`, plus the stack with AUTOROTO_DEBUG=1. */
export function formatError(error: unknown, debug = debugEnabled()): string {
  const e = asBadInput(error);
  const message = e instanceof Error ? e.message : String(e);
  // Keep it to one line: a multi-line message from a library is joined.
  let text = `autoroto: ${message.split(/\r?\n/).map((s) => s.trim()).filter(Boolean).join(' ')}`;
  if (e instanceof UsageError) text += `\n\n${e.usage}`;
  if (debug && error instanceof Error && error.stack) text += `\n${error.stack}`;
  return text;
}

/** What goes on stderr for a warning (something odd about the input that did not stop the run), quiet or not: about the result, not progress. */
export function formatWarning(text: string): string {
  return `autoroto: warning: ${text}\n`;
}

/** A Node errno code ('ENOENT', 'EACCES', …) or undefined. */
export function errnoCode(error: unknown): string | undefined {
  return error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
}
