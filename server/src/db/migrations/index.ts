import { InitialSchema1732400000000 } from './1732400000000-initial-schema';
import { AuditEvents1732500000000 } from './1732500000000-audit-events';
import { SetupAssist1732600000000 } from './1732600000000-setup-assist';
import { Outbox1732600000001 } from './1732600000001-outbox';
import { EmailUniqueLower1732700000000 } from './1732700000000-email-unique-lower';
import { PartialIndexes1732800000000 } from './1732800000000-partial-indexes';
import { Webex1733000000000 } from './1733000000000-webex';
import { AdminLifecycle1733100000000 } from './1733100000000-admin-lifecycle';
import { CustomerDeletion1733150000000 } from './1733150000000-customer-deletion';
import { WebexChanges1733150000001 } from './1733150000001-webex-changes';
import { ChildCounts1733200000000 } from './1733200000000-child-counts';
import { SearchIndexes1733200000001 } from './1733200000001-search-indexes';
import { AuditTargets1733200000002 } from './1733200000002-audit-targets';
import { PartnerCounts1733250000000 } from './1733250000000-partner-counts';
import { OutboxUnsentRecipient1733250000001 } from './1733250000001-outbox-unsent-recipient';
import { UserSearchGrams1733300000000 } from './1733300000000-user-search-grams';
import { PartnerCountDeltas1733300000001 } from './1733300000001-partner-count-deltas';
import { WebexUserCounts1733400000000 } from './1733400000000-webex-user-counts';
import { GramsOfLargeCustomers1733500000000 } from './1733500000000-grams-of-large-customers';
import { ChildCountsByParent1733500000001 } from './1733500000001-child-counts-by-parent';
import { GramsPendingWhenKept1733500000002 } from './1733500000002-grams-pending-when-kept';

/** Every migration, in order. Listed explicitly so the build and the tests load the same ones. */
export const MIGRATIONS = [
  InitialSchema1732400000000, AuditEvents1732500000000, SetupAssist1732600000000, Outbox1732600000001,
  EmailUniqueLower1732700000000, PartialIndexes1732800000000,
  Webex1733000000000, AdminLifecycle1733100000000,
  // Before the child counts: SQLite's rebuild of outbox_message would drop the triggers they add to it.
  CustomerDeletion1733150000000, WebexChanges1733150000001,
  ChildCounts1733200000000, SearchIndexes1733200000001, AuditTargets1733200000002,
  PartnerCounts1733250000000, OutboxUnsentRecipient1733250000001, UserSearchGrams1733300000000,
  PartnerCountDeltas1733300000001, WebexUserCounts1733400000000, GramsOfLargeCustomers1733500000000,
  ChildCountsByParent1733500000001, GramsPendingWhenKept1733500000002,
];
