// Escaping for everything the HTML report writes: every string that comes
// from a model, a scenario file or a trace goes through one of these.

/** Text or attribute value: & < > " ' as character references. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON inside <script type="application/json">: `<` (so no `</script>` or
 * `<!--` can close or confuse the element), `>`, `&` and the two line
 * separators JavaScript once rejected, as \u escapes; JSON.parse reads them back.
 */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A string usable as an HTML id / URL fragment. */
export const anchor = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, '_');
