import { AuditEvent, AuditEventTargetChunk } from '../audit/audit-event.entity';
import { SetupAssistRequest } from '../assist/setup-assist.entity';
import { OutboxMessage } from '../outbox/outbox-message.entity';
import { PstnProvider } from '../catalog/pstn-provider.entity';
import { CustomerUser } from '../customers/customer-user.entity';
import { Customer } from '../customers/customer.entity';
import { Location } from '../customers/location.entity';
import { ApiToken } from '../partners/api-token.entity';
import { PartnerAdmin } from '../partners/partner-admin.entity';
import { Partner } from '../partners/partner.entity';
import { WholesaleSubscription } from '../partners/wholesale-subscription.entity';
import { OnboardingTemplate } from '../templates/template.entity';
import { WebexConnectionRow, WebexJob, WebexSyncRow } from '../webex/webex.entities';

export const ENTITIES = [
  Partner,
  PartnerAdmin,
  WholesaleSubscription,
  ApiToken,
  PstnProvider,
  OnboardingTemplate,
  Customer,
  Location,
  CustomerUser,
  AuditEvent,
  AuditEventTargetChunk,
  SetupAssistRequest,
  OutboxMessage,
  WebexConnectionRow,
  WebexSyncRow,
  WebexJob,
];
