/**
 * Browser entry for test/image-sequence.test.ts: the inference page's image-sequence reader
 * (panel/inference/image-sequence.ts) in Chromium, its files served by the test at /frames/ for the
 * paths /shots/…. Frames come back as base64 of their RGB bytes; a failure comes back as its message.
 */
import { openImageSequence } from '../../panel/inference/image-sequence.ts';
import { base64 } from './page-io.ts';

const urlOf = (path: string) => path.replace(/^\/shots\//, '/frames/');

async function readSequence(first: string, length: number, start: number, end: number): Promise<{ width: number; height: number; frames: string[] } | { error: string }> {
  try {
    const footage = await openImageSequence(first, length, urlOf);
    const frames: string[] = [];
    for await (const frame of footage.frames({ start, end })) frames.push(base64(frame.data));
    return { width: footage.width, height: footage.height, frames };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

(globalThis as unknown as { autoroto: unknown }).autoroto = { readSequence };
