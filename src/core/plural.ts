/** `n` and the noun for that many: plural(1, 'key') → '1 key', plural(4, 'vertex', 'vertices') → '4 vertices'. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
