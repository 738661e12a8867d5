/**
 * Flux `postBuild` variable substitution, applied to one built object's YAML text.
 *
 * The semantics follow fluxcd/pkg/envsubst (Flux's fork of drone/envsubst), not GNU envsubst:
 * - only the braced form `${name…}` is expanded; a bare `$name` stays as written;
 * - `$$` is an escape for one literal `$`, so `$${name}` renders `${name}`;
 * - values are inserted verbatim and never re-expanded (one pass), so a value cannot
 *   reference itself or blow up exponentially;
 * - default operators (`=`, `:=`, `:-`, and the odd `:?`/`:+`) replace an unset *or empty* value,
 *   exactly as Flux does (bash would not for `=`);
 * - the unbraced-default forms `${a-b}`, `${a+b}`, `${a?b}` are parse errors in Flux, so here too.
 *
 * Known differences from Flux, all limited to non-ASCII values: `${a:pos:len}` counts UTF-16 code
 * units where Go counts bytes; `${#a}` counts UTF-8 bytes, as Go does.
 *
 * The file runs past 300 lines because the expander, its Go-compatible string functions and the glob
 * matcher serve only this format; splitting them out would just export internals.
 *
 * @module
 */

/** Variable names Flux accepts in `substitute` and `substituteFrom` (kustomize-controller `varsubRegex`). */
export const VARIABLE_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

/** Label or annotation that opts one object out of substitution when set to `disabled`. */
export const SUBSTITUTE_KEY = 'kustomize.toolkit.fluxcd.io/substitute';

/** Substitution failed: an invalid variable name, a malformed `${…}` expression, or (strict) unset variables. */
export class SubstitutionError extends Error {
  override readonly name = 'SubstitutionError';

  /**
   * @param message - what went wrong, prefixed like Flux's own message
   * @param variables - the unset (or invalid) variable names, in order of first use; empty for syntax errors
   */
  constructor(
    message: string,
    readonly variables: readonly string[] = []
  ) {
    super(message);
  }
}

/** Options of {@link substituteVariables}. */
export interface SubstituteOptions {
  /** Fail on a variable that has neither a value nor a default (Flux `StrictPostBuildSubstitutions`, on by default). */
  strict: boolean;
}

/** The part of an object {@link shouldSubstitute} reads; `KubernetesObject` satisfies it. */
export interface SubstituteSubject {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

/**
 * Expands `${…}` expressions in one object's YAML text.
 *
 * Supported: `${v}`, `${v:=d}` `${v=d}` `${v:-d}` (defaults, may nest `${…}`), `${v:pos}` `${v:pos:len}`,
 * `${v/a/b}` `${v//a/b}` `${v/#a/b}` `${v/%a/b}` (literal patterns; `\/` escapes a slash),
 * `${v#glob}` `${v##glob}` `${v%glob}` `${v%%glob}`, `${#v}`, `${v^}` `${v^^}` `${v,}` `${v,,}`.
 *
 * @throws SubstitutionError when a key of `vars` is not a valid name, an expression is malformed, or
 *   (strict) variables are unset; in the last case `variables` lists every one of them.
 * @example
 * substituteVariables('replicas: ${replicas:=1}\nimage: app:${tag}', { tag: 'v2' }, { strict: true });
 * // 'replicas: 1\nimage: app:v2'
 */
export function substituteVariables(
  yamlText: string,
  vars: Readonly<Record<string, string>>,
  opts: SubstituteOptions
): string {
  const invalid = Object.keys(vars).filter((name) => !VARIABLE_NAME.test(name));
  if (invalid.length > 0) {
    throw new SubstitutionError(
      `'${invalid.join("', '")}' var name is invalid, must match '${VARIABLE_NAME.source}'`,
      invalid
    );
  }
  const expander = new Expander(yamlText, vars, opts.strict);
  const output = expander.run();
  if (expander.missing.size > 0) {
    const names = [...expander.missing];
    const list = names.map((n) => JSON.stringify(n)).join(', ');
    throw new SubstitutionError(`variable substitution failed: variable not set (strict mode): ${list}`, names);
  }
  return output;
}

/**
 * Merges the variable sources in Flux's precedence: a later `substituteFrom` entry overrides an earlier
 * one, and inline `substitute` overrides them all. Newlines are removed from every value, as Flux does,
 * so a Secret written from a file (trailing `\n`) substitutes cleanly.
 */
export function mergeSubstituteSources(
  ordered: ReadonlyArray<Readonly<Record<string, string>>>,
  inline: Readonly<Record<string, string>>
): Record<string, string> {
  const merged = new Map<string, string>();
  for (const source of [...ordered, inline]) {
    for (const [name, value] of Object.entries(source)) merged.set(name, value.replaceAll('\n', ''));
  }
  // fromEntries defines own properties, so a variable named `__proto__` stays a plain key.
  return Object.fromEntries(merged);
}

/** False when the object carries `kustomize.toolkit.fluxcd.io/substitute: disabled` as a label or annotation. */
export function shouldSubstitute(obj: SubstituteSubject): boolean {
  const meta = obj.metadata;
  return meta?.labels?.[SUBSTITUTE_KEY] !== 'disabled' && meta?.annotations?.[SUBSTITUTE_KEY] !== 'disabled';
}

/** Operators that supply their own fallback, so an unset variable is not an error even in strict mode. */
const DEFAULT_OPS = new Set(['=', ':=', ':-', ':?', ':+']);
const DEFAULT_AFTER_COLON = new Set(['=', '-', '?', '+']);
/** Deep enough for any real manifest, shallow enough that a hostile one cannot overflow the stack. */
const MAX_DEPTH = 64;
const IDENT = /[\p{L}\p{Nd}_]+/uy;
const GO_INT = /^[+-]?\d+$/;

type Stop = (ch: string) => boolean;
const atClose: Stop = (ch) => ch === '}';
const atColonOrClose: Stop = (ch) => ch === ':' || ch === '}';
const atSlash: Stop = (ch) => ch === '/';

/** A recursive-descent expander over the text; evaluates while it parses, recording unset variables. */
class Expander {
  private pos = 0;
  readonly missing = new Set<string>();

  constructor(
    private readonly src: string,
    private readonly vars: Readonly<Record<string, string>>,
    private readonly strict: boolean
  ) {}

  run(): string {
    let out = '';
    while (this.pos < this.src.length) {
      const dollar = this.src.indexOf('$', this.pos);
      if (dollar === -1) return out + this.src.slice(this.pos);
      out += this.src.slice(this.pos, dollar);
      const next = this.src.charAt(dollar + 1);
      this.pos = dollar + (next === '{' || next === '$' ? 2 : 1);
      out += next === '{' ? this.expression(0) : '$';
    }
    return out;
  }

  /** Parses and evaluates one expression; `pos` is just past its `${`. */
  private expression(depth: number): string {
    if (depth > MAX_DEPTH) throw this.fail('expressions nested too deeply');
    if (this.peek() === '#') {
      this.pos++;
      const name = this.ident();
      this.expect('}');
      return String(new TextEncoder().encode(this.lookup(name, '#')).length);
    }
    const name = this.ident();
    const ch = this.peek();
    switch (ch) {
      case '}':
        this.pos++;
        return this.lookup(name, '');
      case ':':
        return DEFAULT_AFTER_COLON.has(this.src.charAt(this.pos + 1))
          ? this.withDefault(name, depth)
          : this.substring(name, depth);
      case '=':
        return this.withDefault(name, depth);
      case ',':
      case '^':
        return this.casing(name);
      case '/':
        return this.replace(name, depth);
      case '#':
      case '%':
        return this.trim(name, ch, depth);
      default:
        throw this.fail('missing closing brace');
    }
  }

  private withDefault(name: string, depth: number): string {
    const op = this.peek() === ':' ? this.src.slice(this.pos, this.pos + 2) : '=';
    this.pos += op.length;
    const parts: string[] = [];
    while (this.peek() !== '}') parts.push(this.param(depth, atClose, false));
    this.pos++;
    const value = this.lookup(name, op);
    return value === '' ? parts.join('') : value;
  }

  private substring(name: string, depth: number): string {
    this.pos++;
    const args = [this.param(depth, atColonOrClose, false)];
    if (this.peek() === ':') {
      this.pos++;
      args.push(this.param(depth, atClose, false));
    }
    this.expect('}');
    return substr(this.lookup(name, ':'), args[0] ?? '', args[1]);
  }

  private casing(name: string): string {
    let op = '';
    while (op.length < 2 && (this.peek() === ',' || this.peek() === '^')) op += this.src.charAt(this.pos++);
    this.expect('}');
    return changeCase(this.lookup(name, op), op);
  }

  private replace(name: string, depth: number): string {
    let op = '/';
    this.pos++;
    const second = this.peek();
    if (second === '/' || second === '#' || second === '%') {
      op += second;
      this.pos++;
    }
    const pattern = this.peek() === '/' ? '' : this.param(depth, atSlash, true);
    this.expect('/');
    const replacement = this.peek() === '}' ? undefined : this.param(depth, atClose, true);
    this.expect('}');
    return replaceIn(this.lookup(name, op), op, pattern, replacement);
  }

  private trim(name: string, mark: '#' | '%', depth: number): string {
    let op = mark;
    this.pos++;
    if (this.peek() === mark) {
      op += mark;
      this.pos++;
    }
    const pattern = this.param(depth, atClose, false);
    this.expect('}');
    return trimGlob(this.lookup(name, op), pattern, mark === '#', op.length === 2);
  }

  /**
   * One function argument: a nested `${…}` or a run of text up to `stop`. Flux accepts exactly one
   * such piece per argument (defaults loop over several), and escapes only inside replace arguments.
   */
  private param(depth: number, stop: Stop, escapes: boolean): string {
    if (this.src.startsWith('${', this.pos)) {
      this.pos += 2;
      return this.expression(depth + 1);
    }
    let text = '';
    while (this.pos < this.src.length) {
      const ch = this.src.charAt(this.pos);
      const next = this.src.charAt(this.pos + 1);
      if (ch === '$' && next === '{') break;
      if (escapes && ((ch === '$' && next === '$') || (ch === '\\' && (next === '/' || next === '\\')))) {
        text += next;
        this.pos += 2;
        continue;
      }
      if (stop(ch)) break;
      text += ch;
      this.pos++;
    }
    if (text === '') throw this.fail('unable to parse substitution within function');
    return text;
  }

  private ident(): string {
    IDENT.lastIndex = this.pos;
    const match = IDENT.exec(this.src);
    if (!match) throw this.fail('unable to parse variable name');
    this.pos += match[0].length;
    return match[0];
  }

  private lookup(name: string, op: string): string {
    if (Object.hasOwn(this.vars, name)) return this.vars[name] ?? '';
    if (this.strict && !DEFAULT_OPS.has(op)) this.missing.add(name);
    return '';
  }

  private peek(): string {
    return this.src.charAt(this.pos);
  }

  private expect(ch: string): void {
    if (this.peek() !== ch) throw this.fail('bad substitution');
    this.pos++;
  }

  private fail(reason: string): SubstitutionError {
    const start = this.src.lastIndexOf('${', this.pos);
    const near = this.src.slice(Math.max(0, start), this.pos + 1).slice(0, 60);
    return new SubstitutionError(
      `variable substitution failed: ${reason} at offset ${this.pos} near ${JSON.stringify(near)}`
    );
  }
}

/** `${v:pos:len}` with Go's rules: an unparsable number yields the value unchanged, a negative length counts from the end. */
function substr(value: string, posArg: string, lenArg: string | undefined): string {
  const toInt = (s: string): number | undefined =>
    GO_INT.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : undefined;
  let pos = toInt(posArg);
  if (pos === undefined) return value;
  if (pos < 0) pos = Math.max(0, value.length + pos);
  if (lenArg === undefined) return value.slice(pos);
  const len = toInt(lenArg);
  if (len === undefined) return value;
  if (len >= 0) return value.slice(pos, pos + len);
  const end = value.length + len;
  return end < pos ? '' : value.slice(pos, end);
}

function changeCase(value: string, op: string): string {
  const first = value.codePointAt(0);
  if (first === undefined) return value;
  const head = String.fromCodePoint(first);
  const rest = value.slice(head.length);
  switch (op) {
    case '^':
      return head.toUpperCase() + rest;
    case '^^':
      return value.toUpperCase();
    case ',':
      return head.toLowerCase() + rest;
    case ',,':
      return value.toLowerCase();
    default:
      return value; // a mixed `,^` parses in Flux and leaves the value alone
  }
}

/** Literal (not glob) replacement; a replacer function keeps `$&` and friends in the replacement literal. */
function replaceIn(value: string, op: string, pattern: string, replacement: string | undefined): string {
  const by = (): string => replacement ?? '';
  switch (op) {
    case '//':
      return value.replaceAll(pattern, by);
    case '/#':
      // Flux needs both arguments for anchored replaces; `${v/#a/}` leaves the value unchanged.
      return replacement !== undefined && value.startsWith(pattern) ? replacement + value.slice(pattern.length) : value;
    case '/%':
      return replacement !== undefined && value.endsWith(pattern)
        ? value.slice(0, value.length - pattern.length) + replacement
        : value;
    default:
      return value.replace(pattern, by);
  }
}

/** `${v#p}` and friends: strip the shortest or longest prefix (or suffix) matching the shell glob `p`. */
function trimGlob(value: string, pattern: string, prefix: boolean, longest: boolean): string {
  const glob = globToRegExp(pattern);
  if (!glob) return value; // Go's path.Match reports a bad pattern; Flux then leaves the value alone
  const n = value.length;
  for (let i = 1; i <= n; i++) {
    const k = longest ? n + 1 - i : i;
    if (prefix && glob.test(value.slice(0, k))) return value.slice(k);
    if (!prefix && glob.test(value.slice(n - k))) return value.slice(0, n - k);
  }
  return value;
}

/** Shell glob to an anchored RegExp: `*` and `?` match any character (including `/`, as in Flux), `[…]` classes, `\x` literals. */
function globToRegExp(pattern: string): RegExp | undefined {
  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern.charAt(i);
    if (ch === '*') source += '[\\s\\S]*';
    else if (ch === '?') source += '[\\s\\S]';
    else if (ch === '\\') {
      if (++i >= pattern.length) return undefined;
      source += escape(pattern.charAt(i));
    } else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) return undefined;
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      if (body === '') return undefined;
      source += `[${negate ? '^' : ''}${body.replace(/[\\\]^[]/g, '\\$&')}]`;
      i = end;
    } else source += escape(ch);
  }
  return new RegExp(`^(?:${source})$`);
}
