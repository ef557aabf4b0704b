import { InitialSchema1732400000000 } from './1732400000000-initial-schema';
import { AuditEvents1732500000000 } from './1732500000000-audit-events';

/** Every migration, in order. Listed explicitly so the build and the tests load the same ones. */
export const MIGRATIONS = [InitialSchema1732400000000, AuditEvents1732500000000];
