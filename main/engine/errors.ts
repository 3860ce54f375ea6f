/**
 * A problem with what the user gave us (a file, a spec field, a model that does not fit the
 * data). Its message is one line naming where and what: `file.csv: line 12, column "x": "abc" is not a number`.
 * Hosts print it as is; anything that is not an InputError is a bug and gets a stack trace.
 */
export class InputError extends Error {
  constructor(readonly where: string, readonly problem: string) {
    super(`${where}: ${problem}`);
    this.name = 'InputError';
  }
}

/**
 * The output folder cannot be written (read-only, full, not a folder): the path and the OS's
 * reason, as a user error (exit 2), never a stack trace.
 */
export class OutputError extends InputError {
  constructor(path: string, e: unknown) {
    // (`reason`: what the code means here, when it does not mean what it usually does)
    const err = e as NodeJS.ErrnoException & { reason?: string };
    const reasons: Record<string, string> = {
      EROFS: 'read-only file system', ENOSPC: 'no space left on the device', EACCES: 'permission denied', EPERM: 'operation not permitted',
      ENOTDIR: 'a part of the path is a file, not a folder', EEXIST: 'exists and is not a folder', EDQUOT: 'disk quota exceeded', ENOENT: 'no such folder',
    };
    super(path, `cannot write the run folder (${err?.code ? `${err.code}: ${err.reason ?? reasons[err.code] ?? err.message}` : String((e as Error)?.message ?? e)})`);
    this.name = 'OutputError';
  }
}

/**
 * A tool could not give its answer, for a reason the user can act on: the audit's folds did not
 * train (diverged, or NaN outputs). One line, like a failed run: the CLI exits 1.
 */
export class ToolFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolFailed';
  }
}
