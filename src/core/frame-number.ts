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
