import { registerEnumType } from 'type-graphql';

/**
 * Where an object stands at Cisco (domain.md §11). Part of the shared vocabulary rather than of the
 * connector alone: customers/ filters a customer's users by it (`users(filter: { webexStatus })`)
 * without importing the connector, which imports customers/.
 */
export enum WebexSyncStatus {
  NOT_SYNCED = 'NOT_SYNCED',
  QUEUED = 'QUEUED',
  IN_PROGRESS = 'IN_PROGRESS',
  PROVISIONED = 'PROVISIONED',
  PROVISIONED_WITH_ERRORS = 'PROVISIONED_WITH_ERRORS',
  ON_HOLD = 'ON_HOLD',
  FAILED = 'FAILED',
}
registerEnumType(WebexSyncStatus, {
  name: 'WebexSyncStatus',
  description: 'Where an object stands at Cisco (domain.md §11). NOT_SYNCED: not carried to Webex (no connection, or the '
    + 'template has no webexProvisioningId). ON_HOLD: Cisco holds it (webexStatus says why).',
});
