import { createContext, useContext } from 'react';
import {
  createClient, GraphQLRequestError, NetworkError, type PackagesQuery, type CountriesQuery, type LanguagesQuery, type PstnProvidersQuery,
  type ProvisioningClient, type ViewerQuery,
} from '@wholesale-provisioning/sdk';

/** The tab's token lives in sessionStorage only: closing the tab or Sign out forgets it. */
const TOKEN_KEY = 'wholesale-provisioning.token';

export type Viewer = ViewerQuery['viewer'];
export type PackageInfo = PackagesQuery['packages'][number];
export type Country = CountriesQuery['countries'][number];
export type Language = LanguagesQuery['languages'][number];
export type PstnProvider = PstnProvidersQuery['pstnProviders'][number];

export interface Session {
  client: ProvisioningClient;
  viewer: Viewer;
  packages: PackageInfo[];
  countries: Country[];
  /** Sorted by name, for the Language dropdowns. */
  languages: Language[];
  pstnProviders: PstnProvider[];
  /** Why mutations are off for this admin, or null when they may write. */
  readOnlyReason: string | null;
  signOut(message?: string): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

/** The API is on the same origin, at `/` (no CORS; the SDK sends JSON POSTs, which pass CSRF prevention). */
export function clientFor(token: string): ProvisioningClient {
  return createClient({ url: new URL('/', window.location.origin).href, token });
}

/** Loads who signed in and the catalogs every dropdown is built from. */
export async function loadSession(client: ProvisioningClient): Promise<Omit<Session, 'signOut'>> {
  const [viewer, packages, countries, languages, pstnProviders] = await Promise.all([
    client.viewer(), client.packages(), client.countries(), client.languages(), client.pstnProviders(),
  ]);
  return {
    client, viewer, packages, countries: [...countries].sort((a, b) => a.name.localeCompare(b.name)),
    languages: [...languages].sort((a, b) => a.name.localeCompare(b.name) || a.code.localeCompare(b.code)), pstnProviders,
    readOnlyReason: viewer.role === 'READ_ONLY'
      ? 'Your admin role is read-only: you can look at everything, but creating or changing anything needs a full admin of your partner.'
      : null,
  };
}

/** A sentence for an error that is not a userError (network, auth, rate limit…). */
export function describeError(error: unknown): string {
  if (error instanceof GraphQLRequestError) {
    if (error.code === 'UNAUTHENTICATED') return 'The API token was not accepted: it is unknown, revoked or expired.';
    if (error.code === 'FORBIDDEN') return 'Your admin role may not do this.';
    if (error.retryable) return `The server is busy (${error.code}). Try again in ${error.retryAfterSeconds ?? 1} s.`;
    return `The server refused the request (${error.code}): ${error.errors[0]?.message ?? ''}`;
  }
  if (error instanceof NetworkError) return `The server could not be reached (${error.code}): ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
