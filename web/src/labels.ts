import type { AddOn, CustomerAdminRole, CustomerStatus, Package } from '@wholesale-provisioning/sdk';

// Display names of the schema's enums. Each Record is complete over its enum type, so a value
// the API adds fails the build here until it has a name; the lists themselves come from the API.
export const PACKAGE_LABELS: Record<Package, string> = {
  WEBEX_SUITE: 'Webex Suite',
  WEBEX_CALLING: 'Webex Calling',
  WEBEX_CALLING_STANDARD: 'Webex Calling Standard',
  WEBEX_VOICE: 'Webex Voice',
  WEBEX_MEETINGS: 'Webex Meetings',
  CX_ESSENTIALS: 'Customer Experience Essentials',
  COMMON_AREA_CALLING: 'Common Area Calling',
};

export const STATUS_LABELS: Record<CustomerStatus, string> = { PENDING_SETUP: 'Pending setup', ACTIVE: 'Active' };

export const ADD_ON_LABELS: Record<AddOn, string> = { CISCO_CALLING_PLAN: 'Cisco Calling Plan', ATTENDANT_CONSOLE: 'Attendant Console' };

export const ROLE_LABELS: Record<CustomerAdminRole, string> = {
  FULL_ADMIN: 'Full admin', READ_ONLY_ADMIN: 'Read-only admin', USER_ADMIN: 'User admin', DEVICE_ADMIN: 'Device admin', SUPPORT_ADMIN: 'Support admin',
};

export const packageLabel = (p: string) => PACKAGE_LABELS[p as Package] ?? p;

/** ADMIN_INVITATION → "Admin invitation": for codes shown as they come (email kinds, delivery states). */
export const humanize = (code: string) => code.charAt(0) + code.slice(1).toLowerCase().replace(/_/g, ' ');
