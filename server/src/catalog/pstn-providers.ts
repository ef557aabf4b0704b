/**
 * The Cloud Connected PSTN provider catalog: global, the same for every partner, seeded by a
 * migration on every database. Ids are fixed so templates keep pointing at the same provider.
 */
export const PSTN_PROVIDER_SEED: ReadonlyArray<{ id: string; name: string; countries: string[] }> = [
  { id: '0191f3a0-0000-7000-8000-000000000001', name: 'IntelePeer', countries: ['US', 'CA'] },
  { id: '0191f3a0-0000-7000-8000-000000000002', name: 'Tata Communications', countries: ['GB', 'IN', 'SG', 'US', 'DE', 'FR', 'NL', 'ES', 'IT', 'AU', 'JP'] },
  { id: '0191f3a0-0000-7000-8000-000000000003', name: 'Bandwidth', countries: ['US', 'CA', 'GB', 'IE', 'DE', 'FR', 'NL', 'BE', 'AT', 'ES', 'IT'] },
  { id: '0191f3a0-0000-7000-8000-000000000004', name: 'IDT', countries: ['US', 'CA', 'GB', 'ES', 'BR', 'MX'] },
  { id: '0191f3a0-0000-7000-8000-000000000005', name: 'Lumen', countries: ['US'] },
  { id: '0191f3a0-0000-7000-8000-000000000006', name: 'BT Global Services', countries: ['GB', 'IE', 'DE', 'FR', 'NL', 'BE'] },
  { id: '0191f3a0-0000-7000-8000-000000000007', name: 'NTT Communications', countries: ['JP'] },
  { id: '0191f3a0-0000-7000-8000-000000000008', name: 'Telstra', countries: ['AU', 'NZ'] },
];
