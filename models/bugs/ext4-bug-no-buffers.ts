// The ext4 BUG on a dirty page without buffers, and its 5.18 WARN.
import { defineBug } from './bug.js';

export const ext4BugNoBuffers = defineBug({
  name: 'ext4-bug-no-buffers',
  title: 'A page dirtied through get_user_pages after writeback cleaned it and reclaim dropped its buffers: BUG_ON in page_buffers() under ext4 writeback',
  reported: 'Jan Kara, "Filesystem crashes due to pages without buffers" (LSF/MM and LKML, January 2018); syzbot reports of kernel BUG in ext4_writepages (2021–2022)',
  fixedBy: ['cc5095747edf'],
  lastBad: 'v5.13',
  fixedIn: 'v5.18',
  scenario: 'ext4-gup-write',
  property: 'I1.bug',
  notes: 'cc5095747edf ("ext4: don\'t BUG if someone dirty pages without asking ext4 first", 5.18; stable 4.9.311, 4.14.276, 4.19.238, 5.4.189, 5.10.110, 5.15.33, 5.16.19, 5.17.2) replaces the BUG with a WARN that clears PG_dirty and skips the page: the crash is gone, the dirty page without buffers is not (I1 stays violated), and the data written through the GUP reference never reaches the disk — history shows I6 flipping from holds to violated at the same commit. The pinned case is fixed in 6.4 (ext4-pin-reclaim); FOLL_GET writers keep it.',
});
