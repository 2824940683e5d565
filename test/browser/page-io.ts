/** Bytes in and out of a test page (fetch from the test's server, base64 back to Playwright), and its WebGPU adapter. */

export async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

export function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** The page's WebGPU adapter, or why it has none (the tests skip with that reason). */
export async function pageAdapter(): Promise<{ adapter: GPUAdapter; missing?: undefined } | { adapter?: undefined; missing: string }> {
  if (!navigator.gpu) return { missing: `navigator.gpu is undefined (secure context: ${isSecureContext})` };
  const adapter = await navigator.gpu.requestAdapter();
  return adapter ? { adapter } : { missing: 'navigator.gpu.requestAdapter() returned null' };
}
