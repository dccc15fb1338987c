// Long-term write pins of dirty-tracked file mappings.
import { defineBug } from './bug.js';

export const longtermFileWrite = defineBug({
  name: 'longterm-file-write',
  title: 'A long-term writable pin of an ext4 MAP_SHARED page (an RDMA MR over a file): the device writes after fsync() has written and waited, so fsync\'s promise is broken',
  reported: 'Lorenzo Stoakes, "mm/gup: disallow GUP writing to file-backed mappings by default" (LKML, 2023); the problem statement is Jan Kara\'s RFC of February 2023',
  fixedBy: ['8ac268436e6d', 'a6e79df92e4a'],
  lastBad: 'v6.4',
  fixedIn: 'v6.5',
  scenario: 'rdma-file-mr-fsync',
  property: 'durability',
  notes: '6.5 refuses FOLL_LONGTERM|FOLL_WRITE on a file mapping that needs dirty tracking (check_vma_flags → writable_file_mapping_allowed: EFAULT; GUP-fast falls back): the MR cannot be registered, so nothing is broken, and the application must use anonymous or tmpfs memory instead.',
});
