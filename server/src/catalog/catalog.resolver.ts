import { Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../graphql/context';
import { COUNTRIES } from './countries';
import { LANGUAGES } from './languages';
import { Package, PACKAGES } from './packages';
import { PstnProvider } from './pstn-provider.entity';
import { listPstnProviders } from './pstn-provider.queries';
import { DataRegion } from './regions';

@ObjectType({ description: 'One row of the packages table (domain.md §6), for building wizard dropdowns.' })
export class PackageInfo {
  @Field(() => Package)
  package!: Package;

  @Field(() => Boolean, { description: 'May be an organization’s package.' })
  customerLevel!: boolean;

  @Field(() => Boolean, { description: 'May be held by a user.' })
  userAssignable!: boolean;

  @Field(() => Boolean)
  calling!: boolean;

  @Field(() => Boolean)
  meetings!: boolean;

  @Field(() => [Package], { description: 'Every package this one includes (complete, transitive).' })
  includes!: Package[];
}

@ObjectType({ description: 'An ISO 3166-1 country the API accepts, with its default data region.' })
export class Country {
  @Field(() => String)
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => DataRegion)
  dataRegion!: DataRegion;
}

@ObjectType({ description: 'An ISO 639-1 language a `language` field accepts: `code` alone, or `code_CC` with CC a code of `countries`.' })
export class Language {
  @Field(() => String, { description: 'Two lower-case letters (`nl`).' })
  code!: string;

  @Field(() => String, { description: 'Its English name (`Dutch`).' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'The current code when this is a former one that is still accepted (`iw` → `he`); null otherwise.' })
  replacedBy!: string | null;
}

@Resolver()
export class CatalogResolver {
  @Query(() => [PackageInfo])
  packages(): PackageInfo[] {
    return PACKAGES.map((row) => ({ ...row, includes: [...row.includes] }));
  }

  @Query(() => [Country], { description: 'Every ISO 3166-1 country, with the data region it defaults to.' })
  countries(): Country[] {
    return [...COUNTRIES];
  }

  @Query(() => [Language], {
    description: 'Every language the `language` fields accept (customers, locations, a template’s defaultEmailLanguage), by code: '
      + 'each is accepted as `ll` or as `ll_CC` (also written `ll-CC`) with CC a code of `countries`.',
  })
  languages(): Language[] {
    return LANGUAGES.map((row) => ({ ...row }));
  }

  @Query(() => [PstnProvider], { description: 'The Cloud Connected PSTN provider catalog.' })
  pstnProviders(@Ctx() ctx: RequestContext): Promise<PstnProvider[]> {
    return listPstnProviders(ctx.db);
  }
}
