import { registerEnumType } from 'type-graphql';

export enum Package {
  WEBEX_SUITE = 'WEBEX_SUITE',
  WEBEX_CALLING = 'WEBEX_CALLING',
  WEBEX_CALLING_STANDARD = 'WEBEX_CALLING_STANDARD',
  WEBEX_VOICE = 'WEBEX_VOICE',
  WEBEX_MEETINGS = 'WEBEX_MEETINGS',
  CX_ESSENTIALS = 'CX_ESSENTIALS',
  COMMON_AREA_CALLING = 'COMMON_AREA_CALLING',
}
registerEnumType(Package, { name: 'Package', description: 'A Webex for Wholesale package (domain.md §6).' });

export enum AddOn {
  CISCO_CALLING_PLAN = 'CISCO_CALLING_PLAN',
  ATTENDANT_CONSOLE = 'ATTENDANT_CONSOLE',
}
registerEnumType(AddOn, { name: 'AddOn', description: 'An add-on an organization may be created with.' });

export interface PackageRow {
  package: Package;
  /** May be an organization's package (the "org package" column). */
  customerLevel: boolean;
  /** May be held by a user. */
  userAssignable: boolean;
  calling: boolean;
  meetings: boolean;
  /** Complete and transitive: every package this one includes. */
  includes: readonly Package[];
}

const P = Package;

/** The packages table of domain.md §6. Rules read it; a new package is a new row. */
export const PACKAGES: readonly PackageRow[] = [
  { package: P.WEBEX_SUITE, customerLevel: true, userAssignable: true, calling: true, meetings: true,
    includes: [P.WEBEX_CALLING, P.WEBEX_CALLING_STANDARD, P.WEBEX_VOICE, P.WEBEX_MEETINGS] },
  { package: P.WEBEX_CALLING, customerLevel: true, userAssignable: true, calling: true, meetings: false,
    includes: [P.WEBEX_CALLING_STANDARD, P.WEBEX_VOICE] },
  { package: P.WEBEX_CALLING_STANDARD, customerLevel: true, userAssignable: true, calling: true, meetings: false,
    includes: [P.WEBEX_VOICE] },
  { package: P.WEBEX_VOICE, customerLevel: true, userAssignable: true, calling: true, meetings: false, includes: [] },
  { package: P.WEBEX_MEETINGS, customerLevel: true, userAssignable: true, calling: false, meetings: true, includes: [] },
  { package: P.CX_ESSENTIALS, customerLevel: true, userAssignable: true, calling: true, meetings: false,
    includes: [P.WEBEX_CALLING, P.WEBEX_CALLING_STANDARD, P.WEBEX_VOICE] },
  { package: P.COMMON_AREA_CALLING, customerLevel: false, userAssignable: false, calling: true, meetings: false,
    includes: [] },
];

/** Add-on → the packages of which the organization must hold (or include) one. */
export const ADD_ON_REQUIREMENTS: Readonly<Record<AddOn, readonly Package[]>> = {
  [AddOn.CISCO_CALLING_PLAN]: [P.WEBEX_CALLING, P.WEBEX_SUITE, P.WEBEX_VOICE, P.CX_ESSENTIALS, P.WEBEX_CALLING_STANDARD],
  [AddOn.ATTENDANT_CONSOLE]: [P.WEBEX_CALLING, P.WEBEX_SUITE, P.CX_ESSENTIALS, P.WEBEX_VOICE],
};

const BY_PACKAGE = new Map(PACKAGES.map((row) => [row.package, row]));

export function packageRow(pkg: Package): PackageRow {
  const row = BY_PACKAGE.get(pkg);
  if (!row) throw new Error(`package ${pkg} missing from the packages table`);
  return row;
}

/** The package itself and everything it includes. */
export function packagesCoveredBy(pkg: Package): Set<Package> {
  return new Set([pkg, ...packageRow(pkg).includes]);
}

/** A user may hold `userPackage` in an organization created with `orgPackage`. */
export function userPackageAllowed(orgPackage: Package, userPackage: Package): boolean {
  return packageRow(userPackage).userAssignable && packagesCoveredBy(orgPackage).has(userPackage);
}

/** `lower` is strictly below `higher`: `higher` includes it. */
export function isBelow(lower: Package, higher: Package): boolean {
  return packageRow(higher).includes.includes(lower);
}

export function addOnAllowed(orgPackage: Package, addOn: AddOn): boolean {
  const covered = packagesCoveredBy(orgPackage);
  return ADD_ON_REQUIREMENTS[addOn].some((p) => covered.has(p));
}
