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
