import { registerEnumType } from 'type-graphql';

export enum DataRegion {
  US = 'US',
  CA = 'CA',
  EU = 'EU',
  UK = 'UK',
  JP = 'JP',
  AU = 'AU',
  SG = 'SG',
  SA = 'SA',
  AE = 'AE',
}
registerEnumType(DataRegion, { name: 'DataRegion', description: 'Where a customer organization’s data is kept.' });

/** EU member states. */
export const EU_MEMBERS = [
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE',
  'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE',
] as const;
const EFTA_MEMBERS = ['IS', 'LI', 'NO', 'CH'];
/** ISO-coded outermost regions and territories of EU members that take the EU region. */
const EU_OUTERMOST = ['RE', 'GF', 'GP', 'MQ', 'YT', 'MF', 'PM', 'BL', 'AX'];

/** Country → region, domain.md §7. Anything not listed defaults to US. */
const REGION_TABLE: ReadonlyArray<[DataRegion, readonly string[]]> = [
  [DataRegion.US, ['US', 'PR', 'GU', 'VI', 'AS', 'MP', 'UM']],
  [DataRegion.CA, ['CA']],
  [DataRegion.UK, ['GB', 'JE', 'GG', 'IM']],
  [DataRegion.EU, [...EU_MEMBERS, ...EFTA_MEMBERS, ...EU_OUTERMOST]],
  [DataRegion.JP, ['JP']],
  [DataRegion.AU, ['AU', 'NZ']],
  [DataRegion.SA, ['SA']],
  [DataRegion.AE, ['AE']],
  [DataRegion.SG, ['SG', 'MY', 'TH', 'ID', 'PH', 'VN', 'HK', 'MO', 'TW', 'KR', 'IN', 'CN', 'BD', 'LK', 'PK',
    'NP', 'KH', 'LA', 'MM', 'BN', 'MN', 'FJ', 'PG']],
];

const REGION_BY_COUNTRY = new Map<string, DataRegion>(
  REGION_TABLE.flatMap(([region, countries]) => countries.map((c) => [c, region] as const)),
);

export function defaultRegionFor(countryCode: string): DataRegion {
  return REGION_BY_COUNTRY.get(countryCode.toUpperCase()) ?? DataRegion.US;
}
