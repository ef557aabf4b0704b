import type { Caller } from '../auth/caller';
import { recordAudit } from '../audit/audit.service';
import { normalizeEmail } from '../common/email';
import { DEFAULT_MAX_LENGTH, optionalText, requiredText } from '../common/strings';
import { writeOrUserErrors } from '../common/write';
import { Customer } from '../customers/customer.entity';
import { Location } from '../customers/location.entity';
import type { Database } from '../db/database';
import { isId, newId } from '../db/ids';
import { UserErrorCode, UserErrors, UserErrorsAbort } from '../errors/user-error';
import { parseInternationalNumber } from '../setup/phone-number';
import { SETUP_ASSIST_REQUESTED, SetupAssistRequest } from './setup-assist.entity';
import { RequestSetupAssistInput, RequestSetupAssistPayload } from './setup-assist.inputs';

export const NOTES_MAX = 2000;

export class SetupAssistService {
  constructor(private readonly db: Database) {}

  async request(caller: Caller, input: RequestSetupAssistInput): Promise<RequestSetupAssistPayload> {
    const errors = UserErrors.root('input');
    const contactName = requiredText(input.contactName, DEFAULT_MAX_LENGTH, errors, 'contactName', 'Contact name');
    const contactEmail = normalizeEmail(input.contactEmail, errors, 'contactEmail');
    let contactPhone: string | null = null;
    if (input.contactPhone !== null && input.contactPhone !== undefined && input.contactPhone.trim() !== '') {
      const phone = parseInternationalNumber(input.contactPhone);
      if (phone.ok) contactPhone = phone.e164;
      else errors.add(UserErrorCode.INVALID, `"${input.contactPhone.slice(0, 40)}" ${phone.reason}.`, 'contactPhone');
    }
    const notes = optionalText(input.notes, NOTES_MAX, errors, 'notes', 'Notes');

    const outcome = await writeOrUserErrors(this.db, async (tx) => {
      const customer = isId(input.customerId) ? await tx.findOneBy(Customer, { id: input.customerId, partnerId: caller.partnerId }) : null;
      if (!customer) errors.add(UserErrorCode.NOT_FOUND, 'No customer of your partner has this id.', 'customerId');
      const location = customer && isId(input.locationId)
        ? await tx.findOneBy(Location, { id: input.locationId, customerId: customer.id }) : null;
      if (customer && !location) errors.add(UserErrorCode.NOT_FOUND, 'No location of this customer has this id.', 'locationId');
      if (errors.any() || !customer || !location) throw new UserErrorsAbort(errors.list);
      const request = Object.assign(new SetupAssistRequest(), {
        id: newId(), customerId: customer.id, locationId: location.id, contactName, contactEmail, contactPhone, notes,
        status: SETUP_ASSIST_REQUESTED, createdAt: new Date(),
      } satisfies SetupAssistRequest);
      await tx.insert(SetupAssistRequest, request);
      await recordAudit(tx, caller, 'requestSetupAssist', [customer.id, request.id]);
      return request;
    });
    return outcome.ok ? { request: outcome.value, userErrors: [] } : { request: null, userErrors: outcome.userErrors };
  }
}
