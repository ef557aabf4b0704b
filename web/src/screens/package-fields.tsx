import type { AddOn } from '@wholesale-provisioning/sdk';
import type { PackageInfo } from '../session';
import { CheckboxField, fieldId, SelectField, type ErrorMap } from '../forms';
import { ADD_ON_LABELS, packageLabel } from '../labels';

/**
 * Add-ons need a calling package (domain.md §6: each add-on's list is calling packages). The
 * catalog's `calling` flag, of the package or of one it includes, decides; the server has the final word.
 */
export function addOnAllowed(pkg: PackageInfo | undefined, all: readonly PackageInfo[]): boolean {
  if (!pkg) return false;
  return pkg.calling || pkg.includes.some((p) => all.find((x) => x.package === p)?.calling);
}

/**
 * The organization's Package (from the `packages` catalog, org packages only) and its Add-ons, shared
 * by the create-customer wizard and Edit customer. `keepChosen`: an add-on already chosen stays
 * checked (and can be unchecked) when the package no longer allows it, so the server's NOT_ALLOWED
 * on addOns says why instead of the add-on silently vanishing (Edit customer: the customer has it today).
 */
export function PackageFields({ packages, pkg, addOns, onPackage, onAddOns, errors, keepChosen = false }: {
  packages: readonly PackageInfo[]; pkg: string; addOns: readonly AddOn[]; errors: ErrorMap; keepChosen?: boolean;
  onPackage(pkg: string): void; onAddOns(addOns: AddOn[]): void;
}) {
  const chosen = packages.find((p) => p.package === pkg);
  const allowed = addOnAllowed(chosen, packages);
  const addOnErrors = errors.get('addOns');
  const errorId = `${fieldId('addOns')}-error`;
  const options = Object.keys(ADD_ON_LABELS) as AddOn[];
  return (
    <>
      <SelectField label="Package" name="package" required errors={errors} value={pkg}
        onChange={onPackage} placeholder={pkg ? undefined : 'Choose a package'}
        hint="The organization's package; its full administrator holds it."
        options={packages.filter((p) => p.customerLevel).map((p) => ({ value: p.package, label: packageLabel(p.package) }))} />
      {chosen ? <p className="hint">Includes: {chosen.includes.length ? chosen.includes.map(packageLabel).join(', ') : 'no other package'}.</p> : null}
      {/* The fieldset is where "go to the problem" lands for an error on addOns. */}
      <fieldset id={fieldId('addOns')} tabIndex={-1} className={addOnErrors ? 'field-invalid' : undefined} aria-describedby={addOnErrors ? errorId : undefined}>
        <legend>Add-ons</legend>
        {!allowed ? <p className="hint" id="add-on-rule">Add-ons need a package with calling{chosen ? `; ${packageLabel(chosen.package)} has none` : ''}.</p> : null}
        {options.map((a) => {
          const checked = addOns.includes(a) && (allowed || keepChosen);
          return (
            <CheckboxField key={a} label={ADD_ON_LABELS[a]} name={`addOns.${a}`} errors={errors} disabled={!allowed && !checked}
              checked={checked} invalidBy={addOnErrors && checked ? errorId : undefined}
              onChange={(on) => onAddOns(on ? [...addOns, a] : addOns.filter((x) => x !== a))} />
          );
        })}
        {addOnErrors ? <p className="field-error" id={errorId}>{addOnErrors.map((e) => e.message).join(' ')}</p> : null}
      </fieldset>
    </>
  );
}
