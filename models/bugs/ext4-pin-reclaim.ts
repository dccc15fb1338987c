// Reclaim stripping the buffers of a pinned ext4 page.
import { defineBug } from './bug.js';

export const ext4PinReclaim = defineBug({
  name: 'ext4-pin-reclaim',
  title: 'Reclaim releases the buffers of a FOLL_PIN\'d ext4 page; the pin holder\'s set_page_dirty then leaves a dirty page without buffers',
  reported: 'Jan Kara, "[PATCH RFC 0/5] Writeback handling of pinned pages" (LKML, 9 February 2023; patch 1/5 reposted alone as d824ec2a1546)',
  fixedBy: ['d824ec2a1546'],
  lastBad: 'v6.3',
  fixedIn: 'v6.4',
  scenario: 'ext4-pin-write',
  property: 'I1',
  notes: 'shrink_folio_list skips filemap_release_folio for a folio that folio_maybe_dma_pinned() says is pinned, so a pinned page keeps its buffers. Backported to 6.1.28 and 6.2.15. It needs FOLL_PIN: the same scenario with FOLL_GET (ext4-gup-write) stays violated on every release.',
});
