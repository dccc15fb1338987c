// State schemas and their packed encoding.
//
// A model declares its state as a tree of bounded fields. From that tree we
// derive a layout: every leaf gets a fixed bit slot inside a fixed number of
// 32-bit words, so a state is a Uint32Array of `words` words and the explorer
// never builds an object per state. Leaves never straddle a word boundary,
// which keeps get/set to one load, a shift and a mask.

export type FieldSpec = BoolSpec | IntSpec | EnumSpec | ArraySpec | RecordSpec;
export interface BoolSpec { readonly kind: 'bool' }
export interface IntSpec { readonly kind: 'int'; readonly min: number; readonly max: number }
export interface EnumSpec { readonly kind: 'enum'; readonly values: readonly string[] }
export interface ArraySpec { readonly kind: 'array'; readonly of: FieldSpec; readonly length: number }
export interface RecordSpec { readonly kind: 'record'; readonly fields: Readonly<Record<string, FieldSpec>> }

export const bool = (): BoolSpec => ({ kind: 'bool' });
export const int = (min: number, max: number): IntSpec => {
  if (!Number.isInteger(min) || !Number.isInteger(max) || min > max) {
    throw new SchemaError(`int(${min}, ${max}) is not a valid integer range`);
  }
  if (max - min >= 2 ** 31) throw new SchemaError(`int(${min}, ${max}) is wider than 31 bits`);
  return { kind: 'int', min, max };
};
export const enumOf = <V extends string>(values: readonly V[]): EnumSpec => {
  if (values.length === 0) throw new SchemaError('enumOf() needs at least one value');
  if (new Set(values).size !== values.length) throw new SchemaError(`enumOf(${values.join(',')}) repeats a value`);
  return { kind: 'enum', values };
};
export const arrayOf = <S extends FieldSpec>(of: S, length: number): ArraySpec & { of: S } => {
  if (!Number.isInteger(length) || length < 0) throw new SchemaError(`arrayOf(…, ${length}): bad length`);
  return { kind: 'array', of, length };
};
export const record = <F extends Record<string, FieldSpec>>(fields: F): RecordSpec & { fields: F } => ({ kind: 'record', fields });

export class SchemaError extends Error {}

/** Thrown by Field.set when a model writes a value outside the declared range. */
export class FieldRangeError extends Error {
  constructor(readonly field: Field, readonly value: number) {
    super(`${field.path} := ${value} is outside its declared range ${field.min}..${field.max}`);
  }
}

/** One leaf of the packed state: a bit slot inside one 32-bit word. */
export class Field {
  readonly mask: number;
  readonly clearMask: number;
  constructor(
    readonly path: string,
    readonly word: number,
    readonly shift: number,
    readonly bits: number,
    readonly min: number,
    readonly max: number,
    /** enum labels, or undefined for ints; booleans have ['false','true'] semantics via `bool`. */
    readonly labels: readonly string[] | undefined,
    readonly isBool: boolean,
  ) {
    this.mask = bits === 0 ? 0 : (2 ** bits - 1);
    this.clearMask = ~(this.mask << shift) >>> 0;
  }
  get(s: Uint32Array): number {
    return ((s[this.word]! >>> this.shift) & this.mask) + this.min;
  }
  set(s: Uint32Array, v: number): void {
    if (v < this.min || v > this.max || v !== (v | 0)) throw new FieldRangeError(this, v);
    s[this.word] = (s[this.word]! & this.clearMask) | ((v - this.min) << this.shift);
  }
  /** Boolean view: any non-zero value is true. */
  test(s: Uint32Array): boolean {
    return this.get(s) !== 0;
  }
  setBool(s: Uint32Array, v: boolean): void {
    this.set(s, v ? 1 : 0);
  }
  /** Enum index of a label (throws at model-build time for a typo, not in the hot loop). */
  idx(label: string): number {
    const i = this.labels?.indexOf(label) ?? -1;
    if (i < 0) throw new SchemaError(`${this.path} has no value '${label}'`);
    return i;
  }
  /** JSON value of this leaf in state s. */
  toJSON(s: Uint32Array): boolean | number | string {
    const v = this.get(s);
    if (this.isBool) return v !== 0;
    if (this.labels) return this.labels[v]!;
    return v;
  }
}

/** The handle tree mirrors the spec tree: leaves become Fields. */
export type Handles<S extends FieldSpec> =
  S extends { kind: 'array'; of: infer O extends FieldSpec } ? ReadonlyArray<Handles<O>> :
  S extends { kind: 'record'; fields: infer F extends Record<string, FieldSpec> } ? { readonly [K in keyof F]: Handles<F[K]> } :
  Field;

export type JsonValue = boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export class Layout<S extends FieldSpec = FieldSpec> {
  readonly words: number;
  readonly fields: readonly Field[];
  readonly root: Handles<S>;
  readonly bits: number;

  constructor(readonly spec: S) {
    const fields: Field[] = [];
    let word = 0;
    let used = 0;
    const build = (sp: FieldSpec, path: string): unknown => {
      switch (sp.kind) {
        case 'bool':
        case 'int':
        case 'enum': {
          const min = sp.kind === 'int' ? sp.min : 0;
          const max = sp.kind === 'int' ? sp.max : sp.kind === 'bool' ? 1 : sp.values.length - 1;
          const span = max - min;
          const bits = span === 0 ? 0 : 32 - Math.clz32(span);
          if (used + bits > 32) { word++; used = 0; }
          const f = new Field(path, word, used, bits, min, max, sp.kind === 'enum' ? sp.values : undefined, sp.kind === 'bool');
          used += bits;
          fields.push(f);
          return f;
        }
        case 'array': {
          const out: unknown[] = [];
          for (let i = 0; i < sp.length; i++) out.push(build(sp.of, `${path}[${i}]`));
          return Object.freeze(out);
        }
        case 'record': {
          const out: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(sp.fields)) out[k] = build(v, path === '' ? k : `${path}.${k}`);
          return Object.freeze(out);
        }
      }
    };
    this.root = build(spec, '') as Handles<S>;
    this.fields = fields;
    this.words = fields.length === 0 ? 1 : word + 1;
    this.bits = fields.reduce((a, f) => a + f.bits, 0);
  }

  /** A zeroed state buffer: every field at its minimum (false, first enum value). */
  blank(): Uint32Array {
    return new Uint32Array(this.words);
  }

  /** Decode a packed state into plain JSON (for traces, never in the hot loop). */
  toJSON(s: Uint32Array): JsonValue {
    const walk = (sp: FieldSpec, h: unknown): JsonValue => {
      switch (sp.kind) {
        case 'array': return (h as unknown[]).map((x) => walk(sp.of, x));
        case 'record': {
          const o: Record<string, JsonValue> = {};
          for (const k of Object.keys(sp.fields)) o[k] = walk(sp.fields[k]!, (h as Record<string, unknown>)[k]);
          return o;
        }
        default: return (h as Field).toJSON(s);
      }
    };
    return walk(this.spec, this.root);
  }

  /** Encode plain JSON into a packed state; throws SchemaError naming the path on a mismatch. */
  fromJSON(value: unknown): Uint32Array {
    const s = this.blank();
    const walk = (sp: FieldSpec, h: unknown, v: unknown, path: string): void => {
      switch (sp.kind) {
        case 'array':
          if (!Array.isArray(v) || v.length !== sp.length) throw new SchemaError(`${path || 'state'}: expected an array of ${sp.length}`);
          v.forEach((x, i) => walk(sp.of, (h as unknown[])[i], x, `${path}[${i}]`));
          return;
        case 'record': {
          if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new SchemaError(`${path || 'state'}: expected an object`);
          const o = v as Record<string, unknown>;
          for (const k of Object.keys(o)) if (!(k in sp.fields)) throw new SchemaError(`${path ? path + '.' : ''}${k}: unknown field`);
          for (const k of Object.keys(sp.fields)) {
            if (!(k in o)) throw new SchemaError(`${path ? path + '.' : ''}${k}: missing`);
            walk(sp.fields[k]!, (h as Record<string, unknown>)[k], o[k], path ? `${path}.${k}` : k);
          }
          return;
        }
        case 'bool':
          if (typeof v !== 'boolean') throw new SchemaError(`${path}: expected a boolean`);
          (h as Field).set(s, v ? 1 : 0);
          return;
        case 'enum': {
          const i = typeof v === 'string' ? sp.values.indexOf(v) : -1;
          if (i < 0) throw new SchemaError(`${path}: expected one of ${sp.values.join('|')}`);
          (h as Field).set(s, i);
          return;
        }
        case 'int':
          if (typeof v !== 'number' || !Number.isInteger(v) || v < sp.min || v > sp.max) {
            throw new SchemaError(`${path}: expected an integer in ${sp.min}..${sp.max}`);
          }
          (h as Field).set(s, v);
          return;
      }
    };
    walk(this.spec, this.root, value, '');
    return s;
  }
}
