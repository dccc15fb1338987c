import test from 'ava';
import { Layout, arrayOf, bool, enumOf, int, record, FieldRangeError, SchemaError } from '../src/engine/schema.js';

test('fields pack into 32-bit words without straddling', (t) => {
  const L = new Layout(record({ a: int(0, 255), b: arrayOf(int(0, 0xffffff), 2), c: bool(), e: enumOf(['x', 'y', 'z']) }));
  // a:8 bits, b[0]:24 bits -> word 0 full; b[1]:24 -> word 1, c:1, e:2 -> word 1
  t.is(L.words, 2);
  const s = L.blank();
  L.root.a.set(s, 200);
  L.root.b[0]!.set(s, 0xabcdef);
  L.root.b[1]!.set(s, 0x123456);
  L.root.c.setBool(s, true);
  L.root.e.set(s, L.root.e.idx('z'));
  t.deepEqual(L.toJSON(s), { a: 200, b: [0xabcdef, 0x123456], c: true, e: 'z' });
  t.deepEqual(L.fromJSON(L.toJSON(s)), s);
});

test('negative ranges are stored offset from their minimum', (t) => {
  const L = new Layout(record({ v: int(-3, 3) }));
  const s = L.blank();
  t.is(L.root.v.get(s), -3);
  L.root.v.set(s, -1);
  t.is(L.root.v.get(s), -1);
});

test('out-of-range writes throw FieldRangeError naming the field', (t) => {
  const L = new Layout(record({ p: arrayOf(record({ ref: int(0, 3) }), 2) }));
  const s = L.blank();
  const e = t.throws(() => L.root.p[1]!.ref.set(s, 4), { instanceOf: FieldRangeError });
  t.regex(e!.message, /p\[1\]\.ref := 4/);
  t.throws(() => L.fromJSON({ p: [{ ref: 0 }, { ref: 9 }] }), { instanceOf: SchemaError, message: /p\[1\]\.ref/ });
});
