/** The frame rate of footage that records none, where none is given (film's): frame folders, stills, mattes, image sequences. */
export const DEFAULT_FRAME_RATE = 24;
