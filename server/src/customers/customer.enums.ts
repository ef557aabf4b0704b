import { registerEnumType } from 'type-graphql';

export enum CustomerStatus {
  PENDING_SETUP = 'PENDING_SETUP',
  ACTIVE = 'ACTIVE',
}
registerEnumType(CustomerStatus, {
  name: 'CustomerStatus',
  description: 'PENDING_SETUP until the first successful setupCustomer, ACTIVE after.',
});

export enum CustomerAdminRole {
  FULL_ADMIN = 'FULL_ADMIN',
  READ_ONLY_ADMIN = 'READ_ONLY_ADMIN',
  USER_ADMIN = 'USER_ADMIN',
  DEVICE_ADMIN = 'DEVICE_ADMIN',
  SUPPORT_ADMIN = 'SUPPORT_ADMIN',
}
registerEnumType(CustomerAdminRole, { name: 'CustomerAdminRole', description: 'A Control Hub role of a customer user.' });
