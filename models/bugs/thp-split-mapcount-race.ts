// CVE-2020-29368: do_huge_pmd_wp_page's reuse_swap_page sums the mapcounts while another process splits its PMD.
import { defineBug } from './bug.js';

export const thpSplitMapcountRace = defineBug({
  name: 'thp-split-mapcount-race',
  title: 'A THP shared by fork: the parent\'s write fault reads the subpages\' mapcounts, the child splits its PMD (moving its mapping to the subpages and setting DoubleMap), and the fault then subtracts DoubleMap\'s bias and adds the compound mapcount that is left: the sum says one mapping, so the parent writes the THP the child still maps',
  cve: 'CVE-2020-29368',
  reported: 'Andrea Arcangeli, "mm: thp: make the THP mapcount atomic against __split_huge_pmd_locked()" (June 2020): "Write protect anon page faults require an accurate mapcount to decide if to break the COW or not … we must ensure the mapcount isn\'t computed while it\'s being transferred from the head page to the tail pages"',
  fixedBy: ['c444eb564fb1'],
  lastBad: 'v5.7',
  fixedIn: 'v5.8',
  scenario: {
    name: 'thp-split-mapcount-race',
    description: 'CVE-2020-29368: an anonymous THP mapped by one PMD (two subpages in the model) is shared by fork(); the child munmaps the THP\'s second half (which splits its PMD first) while the parent writes the first half (do_huge_pmd_wp_page → reuse_swap_page). The child must not see the parent\'s write (I10).',
    pages: [{ id: 'A', kind: 'anon', thp: 'pmd' }, { id: 'A_tail', kind: 'anon', tailOf: 'A' }],
    processes: [
      { id: 'parent', mappings: [{ page: 'A', store: true }, { page: 'A_tail' }] },
      { id: 'child', childOf: 'parent', mappings: [{ page: 'A_tail', munmap: true }] },
    ],
    holders: [],
  },
  property: 'I10',
  notes: 'page_trans_huge_map_swapcount reads each subpage\'s _mapcount, then PageDoubleMap, then the compound mapcount, under the page lock only; __split_huge_pmd_locked raises each subpage\'s _mapcount, sets DoubleMap (raising them once more) and drops the compound mapcount under the other process\'s PMD lock. Read before the split and finished after it, the sum is 0 + (−1) + 1: reuse. The model makes the fault\'s two reads two steps where the release lets the split run between them (hook hugeWpReuseRacesSplit) and derives DoubleMap (a PMD and a PTE map the THP at once). 5.8\'s c444eb564fb1 (5.7.5, 4.14.185 and older stable releases) takes the page lock in __split_huge_pmd; from 5.18 (3bff7e3f1f16) the THP COW no longer counts mappings at all.',
});
