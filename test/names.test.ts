// Each release in its own words: no trace label or property description of
// a release names a function (or flag) the release does not have, by the
// per-release name table (models/kernel/names.ts, which says how each name
// was checked).

import test from 'ava';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RELEASES } from '../models/index.js';
import { bugScenarioNames } from '../models/bugs/index.js';
import { buildKernelModel, resolveScenario, scenarioNames } from '../models/kernel/build.js';
import { existsIn, KERNEL_NAMES, nameAt, ROLES, versionAtMost, type Role } from '../models/kernel/names.js';

const SELFTESTS = fileURLToPath(new URL('../../models/selftests/', import.meta.url));
const selftestFiles = ['cow', 'gup_longterm'].flatMap((d) => readdirSync(`${SELFTESTS}${d}`).map((f) => `${SELFTESTS}${d}/${f}`));
const everyScenario = [...scenarioNames(), ...bugScenarioNames(), ...selftestFiles];
/** Kernel identifiers as labels write them: snake_case with an underscore, CONSTANT_CASE, PageFoo / FooPage flags. */
const IDENT = /\b([A-Za-z_][A-Za-z0-9]*_[A-Za-z0-9_]+|Page[A-Z][A-Za-z]+|[A-Z][a-z]+Page[A-Za-z]*)\b/g;

function textsOf(release: (typeof RELEASES)[number], scenario: string): { texts: string[]; ids: Set<string> } {
  const sc = resolveScenario(scenario);
  const ids = new Set([...sc.pages.map((x) => x.id), ...sc.processes.map((x) => x.id), ...sc.holders.map((x) => x.id)]);
  const m = buildKernelModel(sc, release);
  return { texts: [...m.actions.map((a) => a.label), ...m.properties.map((p) => p.description)], ids };
}

test('every identifier in a release\'s labels and property descriptions exists in that release (every release × every scenario, selftest row and bug)', (t) => {
  const wrong: string[] = [];
  let checked = 0;
  for (const r of RELEASES) {
    for (const sc of everyScenario) {
      const { texts, ids } = textsOf(r, sc);
      for (const text of texts) {
        for (const m of text.matchAll(IDENT)) {
          const name = m[1]!;
          if (ids.has(name)) continue; // the scenario's own names (holder gup_test)
          checked++;
          const e = existsIn(name, r.name);
          if (e !== true) wrong.push(`${r.name} / ${sc.split('/').pop()}: ${name} ${e === undefined ? 'is not in the name table' : `does not exist in ${r.name}`} ("${text}")`);
        }
      }
    }
  }
  t.deepEqual([...new Set(wrong)].slice(0, 20), []);
  t.true(checked > 10_000, `${checked} identifiers checked`);
});

test('the name table: every entry has a source and a sane span; every role names something its release has', (t) => {
  for (const e of KERNEL_NAMES) {
    t.true(e.source.length > 0, e.name);
    if (e.until !== undefined) t.false(versionAtMost(e.until, e.since), `${e.name}: ${e.since} < ${e.until}`);
  }
  t.is(new Set(KERNEL_NAMES.map((e) => e.name)).size, KERNEL_NAMES.length, 'no name twice');
  for (const role of Object.keys(ROLES) as Role[]) {
    const first = ROLES[role][0]![0];
    for (const r of RELEASES) {
      if (!versionAtMost(first, r.name)) continue;
      t.true(existsIn(nameAt(role, r.name), r.name), `${role} in ${r.name}: ${nameAt(role, r.name)}`);
    }
  }
});

test('the words the issue caught: 6.6 says shrink_folio_list, isolate_lru_folios, filemap_release_folio, bvec_try_merge_page; 4.14 has no pin_user_pages, try_grab_page or try_grab_folio_fast', (t) => {
  const all = (release: string, scenario: string) => textsOf(RELEASES.find((r) => r.name === release)!, scenario).texts.join('\n');
  const v66 = all('v6.6', 'ext4-pin-write') + all('v6.6', 'dio-merge');
  for (const w of ['shrink_folio_list', 'isolate_lru_folios', 'folio_trylock', 'filemap_release_folio', 'bvec_try_merge_page', 'folio_clear_dirty_for_io', 'ext4_bio_write_folio']) t.true(v66.includes(w), w);
  for (const w of ['shrink_page_list', 'isolate_lru_page', 'try_to_release_page', 'delete_from_page_cache', '__bio_try_merge_page', 'ext4_bio_write_page']) t.false(v66.includes(w), w);
  const v414 = all('v4.14', 'ext4-pin-write') + all('v4.14', 'fork-iouring') + all('v4.14', 'gup-fast-fork-race');
  for (const w of ['pin_user_pages', 'try_grab_page', 'try_grab_folio_fast', 'FOLL_PIN', 'FOLL_LONGTERM', 'unpin_user_page', 'write_protect_seq', 'copy_present_pte']) t.false(v414.includes(w), w);
  t.true(v414.includes('get_user_pages(FOLL_GET|FOLL_WRITE)'));
  // Nothing anywhere names the 6.10 helper.
  for (const r of RELEASES) t.false(all(r.name, 'gup-fast-fork-race').includes('try_grab_folio_fast'), r.name);
  // The ext4 symptom follows the release: a BUG until 5.17, a WARN that drops the data from 5.18.
  t.regex(all('v5.11', 'ext4-gup-write'), /BUG_ON\(!PagePrivate\(page\)\) in page_buffers\(\)/);
  t.regex(all('v5.18', 'ext4-gup-write'), /WARNs "page does not have buffers attached"/);
});
