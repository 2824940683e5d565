/**
 * A file Autoroto cannot use (a model, a frame, a video, a matte): the message names the file first,
 * then what is wrong and what to do, so a command line or panel shows it as it is. Subclasses say
 * which kind of file it was; `path` and `reason` let a caller restate the reason for another file
 * (a frame that names its folder) or add what to do.
 */
export class FileError extends Error {
  constructor(readonly path: string, readonly reason: string, options?: { cause?: unknown }) {
    super(`${path}: ${reason}`, options);
    this.name = new.target.name;
  }
}
