/**
 * The file names of the images Autoroto reads as frames (PNG, JPEG, TIFF, DPX, OpenEXR; any case):
 * what a frame folder lists, and what After Effects may import a numbered run of as an image sequence.
 * Here, host-free, so the command line's reader and the panels agree on it.
 */
export const IMAGE_FILE_NAME = /\.(png|jpe?g|tiff?|dpx|exr)$/i;

/** Those of them a browser decodes itself (PNG, JPEG): what the UXP panel's inference page reads as image sequences. */
export const BROWSER_IMAGE_FILE_NAME = /\.(png|jpe?g)$/i;
