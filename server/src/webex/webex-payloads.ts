import { packageRow, type Package } from '../catalog/packages';
import type { CustomerUser } from '../customers/customer-user.entity';
import type { Customer } from '../customers/customer.entity';
import type { Location } from '../customers/location.entity';

/**
 * Our objects in Cisco's words (domain.md §11, Mapping). Only fields Cisco's spec names are sent;
 * an optional field we have no value for is left out (never sent as null).
 */

/** WEBEX_CALLING → webex_calling: Cisco's package names are ours in lower case. */
export function ciscoPackage(name: string): string {
  return name.toLowerCase();
}

/** ll_CC → ll_cc: Cisco's calling location and Locations API write languages in lower case (e.g. en_us). */
function ciscoLanguage(language: string): string {
  return language.toLowerCase();
}

function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as T;
}

/** The wholesale address shape (customer billing address, calling location). */
function wholesaleAddress(location: Location) {
  return compact({
    addressLine1: location.line1,
    addressLine2: location.line2,
    city: location.city,
    stateOrProvince: location.stateOrProvince,
    zipOrPostalCode: location.postalCode,
    country: location.countryCode,
  });
}

export function customerBody(customer: Customer, headquarters: Location, provisioningId: string) {
  const calling = packageRow(customer.package).calling;
  return compact({
    provisioningId,
    packages: [ciscoPackage(customer.package), ...customer.addOns.map(ciscoPackage)],
    // Our customer id: stable and unique, so a create whose answer was lost can be looked up.
    externalId: customer.id,
    address: wholesaleAddress(headquarters),
    customerInfo: { name: customer.companyName, primaryEmail: customer.adminEmail, language: customer.language },
    provisioningParameters: calling ? {
      calling: {
        location: compact({
          name: headquarters.name,
          address: wholesaleAddress(headquarters),
          timezone: headquarters.timeZone,
          language: ciscoLanguage(headquarters.language),
          emergencyLocationIdentifier: headquarters.emergencyLocationIdentifier,
        }),
      },
    } : undefined,
  });
}

/**
 * `PUT /wholesale/customers/{id}`: the complete package list ("a package … not present in this list
 * is removed"), with the billing address and, for calling, the calling location Cisco requires when
 * it updates a calling package. The create's provisioningId and customerInfo are not part of a PUT.
 */
export function customerUpdateBody(customer: Customer, headquarters: Location) {
  const { provisioningId: _p, customerInfo: _c, ...rest } = customerBody(customer, headquarters, '');
  return rest;
}

/**
 * A location for the Locations API (`POST /locations?orgId=`). Cisco requires `state` and
 * `postalCode` even where our rules make them optional (countries without states or postal
 * codes): a location without one is sent with an empty string (README, "Provisioning in Webex").
 */
export function locationBody(location: Location) {
  const language = ciscoLanguage(location.language);
  return {
    name: location.name,
    timeZone: location.timeZone,
    preferredLanguage: language,
    announcementLanguage: language,
    address: compact({
      address1: location.line1,
      address2: location.line2,
      city: location.city,
      state: location.stateOrProvince ?? '',
      postalCode: location.postalCode ?? '',
      country: location.countryCode,
    }),
  };
}

/** A calling package needs a number or an extension at Cisco: without one the user is not sent yet. */
export function userReady(user: CustomerUser): boolean {
  return !packageRow(user.package as Package).calling || user.phoneNumber !== null || user.extension !== null;
}

export function subscriberBody(user: CustomerUser, ciscoCustomerId: string, ciscoLocationId: string | null) {
  const calling = packageRow(user.package).calling;
  return {
    customerId: ciscoCustomerId,
    email: user.email,
    packages: [ciscoPackage(user.package)],
    provisioningParameters: compact({
      firstName: user.firstName,
      lastName: user.lastName,
      primaryPhoneNumber: calling ? user.phoneNumber : null,
      extension: calling ? user.extension : null,
      locationId: calling ? ciscoLocationId : null,
    }),
  };
}

/** Cisco's customer id: the last path segment of the 202's Location header or body url. */
export function idFromLocation(location: string | null, url: unknown): string | null {
  const raw = location ?? (typeof url === 'string' ? url : null);
  if (!raw) return null;
  const segment = raw.split('?')[0].replace(/\/+$/, '').split('/').pop();
  return segment ? decodeURIComponent(segment) : null;
}

/** `PUT /locations/{id}?orgId=`: the same fields as the create, without announcementLanguage (not part of a PUT). */
export function locationUpdateBody(location: Location) {
  const { announcementLanguage: _a, ...rest } = locationBody(location);
  return rest;
}

/**
 * `PUT /wholesale/subscribers/{id}`: the user's one package; `provisioningParameters` only for a move
 * from meetings to calling, the one case Cisco reads them (and then requires a number or an extension).
 */
export function subscriberUpdateBody(user: CustomerUser, ciscoLocationId: string | null, toCalling: boolean) {
  return compact({
    packages: [ciscoPackage(user.package)],
    provisioningParameters: toCalling ? compact({
      primaryPhoneNumber: user.phoneNumber,
      extension: user.extension,
      locationId: ciscoLocationId,
    }) : undefined,
  });
}
