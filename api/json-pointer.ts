/** RFC 6901 JSON pointers, as Flux's ignore rules name fields (`/spec/replicas`, `/metadata/labels/a~1b`). */

/** The reference tokens of a pointer; `''` is the whole document. */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`invalid JSON pointer "${pointer}": must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** Deletes the field a pointer names from `doc` (in place); a path that does not exist is fine. */
export function removeAtPointer(doc: unknown, pointer: string): void {
  const tokens = pointerTokens(pointer);
  const last = tokens.pop();
  if (last === undefined) return;
  let node: unknown = doc;
  for (const t of tokens) {
    if (node === null || typeof node !== 'object') return;
    node = (node as Record<string, unknown>)[t];
  }
  if (Array.isArray(node)) {
    const i = Number(last);
    if (Number.isInteger(i) && i >= 0 && i < node.length) node.splice(i, 1);
  } else if (node !== null && typeof node === 'object') {
    delete (node as Record<string, unknown>)[last];
  }
}
