/**
 * Frame numbers in file names, as image sequences carry them (plate.1001.exr, shot_0042.png): the
 * command line's folders and the panels' After Effects sequence layers name their frames alike.
 */

/** A file name's parts around its frame number (its last run of digits), or undefined where it has none. */
export function frameNumbered(name: string): { prefix: string; number: number; width: number; suffix: string } | undefined {
  const digits = /(\d+)(?=\D*$)/.exec(name);
  return digits ? { prefix: name.slice(0, digits.index), number: Number(digits[1]), width: digits[1].length, suffix: name.slice(digits.index + digits[1].length) } : undefined;
}

/** The file name of frame `n` of a numbered sequence, its number padded to `width` digits. */
export function numberedName(prefix: string, n: number, width: number, suffix: string): string {
  return `${prefix}${String(n).padStart(width, '0')}${suffix}`;
}

/**
 * Frame k's file name in the numbered image sequence whose first file is named `first` (k = 0 is
 * `first` itself), as After Effects imports one: the number counts up, padded as the first's is.
 * Undefined where `first` has no frame number (see unnumberedSequence).
 */
export function sequenceFileName(first: string): ((k: number) => string) | undefined {
  const numbered = frameNumbered(first);
  if (!numbered) return undefined;
  const { prefix, number, width, suffix } = numbered;
  return (k) => numberedName(prefix, number + k, width, suffix);
}

/** Why an image whose name has no frame number cannot start the image sequence of `length` frames After Effects has it as. */
export function unnumberedSequence(length: number): string {
  return `is one image, but After Effects has it as ${length} frames of an image sequence, and its name has no frame number; ` +
    'name the sequence\'s files with frame numbers (plate.1001.exr, plate.1002.exr, …) and import it again';
}
