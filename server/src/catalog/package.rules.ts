import { UserErrorCode, UserErrors } from '../errors/user-error';
import { isBelow, Package, userPackageAllowed } from './packages';

/**
 * The package rule of domain.md §5: a regular user holds the organization's package or one it
 * includes; the full administrator (and any admin-role holder) holds exactly the organization's.
 */
export function checkUserPackage(orgPackage: Package, userPackage: Package, holdsAdminRole: boolean, errors: UserErrors): void {
  if (holdsAdminRole) {
    if (userPackage === orgPackage) return;
    if (isBelow(userPackage, orgPackage)) {
      errors.add(UserErrorCode.DOWNGRADE_NOT_ALLOWED,
        `An administrator holds the organization's package ${orgPackage}; ${userPackage} would be a downgrade.`, 'package');
    } else {
      errors.add(UserErrorCode.NOT_ALLOWED, `An administrator holds the organization's package ${orgPackage}.`, 'package');
    }
    return;
  }
  if (!userPackageAllowed(orgPackage, userPackage)) {
    errors.add(UserErrorCode.NOT_ALLOWED, `${userPackage} is neither the organization's package ${orgPackage} nor one it includes.`, 'package');
  }
}
