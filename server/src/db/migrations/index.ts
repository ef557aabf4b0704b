import { InitialSchema1732400000000 } from './1732400000000-initial-schema';
import { AuditEvents1732500000000 } from './1732500000000-audit-events';
import { SetupAssist1732600000000 } from './1732600000000-setup-assist';
import { Outbox1732600000001 } from './1732600000001-outbox';
import { EmailUniqueLower1732700000000 } from './1732700000000-email-unique-lower';
import { PartialIndexes1732800000000 } from './1732800000000-partial-indexes';
import { Webex1733000000000 } from './1733000000000-webex';
import { AdminLifecycle1733100000000 } from './1733100000000-admin-lifecycle';

/** Every migration, in order. Listed explicitly so the build and the tests load the same ones. */
export const MIGRATIONS = [
  InitialSchema1732400000000, AuditEvents1732500000000, SetupAssist1732600000000, Outbox1732600000001,
  EmailUniqueLower1732700000000, PartialIndexes1732800000000,
  Webex1733000000000, AdminLifecycle1733100000000,
];
