import type { Caller } from '../auth/caller';
import type { Loaders } from '../graphql/loaders';
import { normalizeEmail } from '../rules/email';
import { DEFAULT_MAX_LENGTH, optionalText, requiredText } from '../rules/strings';
import { Customer } from '../customers/customer.entity';
import { Location } from '../customers/location.entity';
import type { Database } from '../db/database';
import { isId, newId } from '../db/ids';
import { UserErrorCode } from '../errors/user-error';
import { defineMutation, STOP } from '../mutations/define-mutation';
import { deletedMeanwhile } from '../mutations/foreign-key';
import { parseInternationalNumber } from '../rules/phone-number';
import { SETUP_ASSIST_REQUESTED, SetupAssistRequest } from './setup-assist.entity';
import { RequestSetupAssistInput, RequestSetupAssistPayload } from './setup-assist.inputs';

export const NOTES_MAX = 2000;

export class SetupAssistService {
  constructor(private readonly db: Database) {}

  private readonly requestMutation = defineMutation({
    name: 'requestSetupAssist',
    normalise: (input: RequestSetupAssistInput, errors) => {
      const contactName = requiredText(input.contactName, DEFAULT_MAX_LENGTH, errors, 'contactName', 'Contact name');
      const contactEmail = normalizeEmail(input.contactEmail, errors, 'contactEmail');
      let contactPhone: string | null = null;
      if (input.contactPhone !== null && input.contactPhone !== undefined && input.contactPhone.trim() !== '') {
        const phone = parseInternationalNumber(input.contactPhone);
        if (phone.ok) contactPhone = phone.e164;
        else errors.add(UserErrorCode.INVALID, `"${input.contactPhone.slice(0, 40)}" ${phone.reason}.`, 'contactPhone');
      }
      const notes = optionalText(input.notes, NOTES_MAX, errors, 'notes', 'Notes');
      return { customerId: input.customerId, locationId: input.locationId, contactName, contactEmail, contactPhone, notes };
    },
    check: async (tx, draft, errors, caller) => {
      const customer = isId(draft.customerId) ? await tx.findOneBy(Customer, { id: draft.customerId, partnerId: caller.partnerId }) : null;
      if (!customer) errors.add(UserErrorCode.NOT_FOUND, 'No customer of your partner has this id.', 'customerId');
      const location = customer && isId(draft.locationId)
        ? await tx.findOneBy(Location, { id: draft.locationId, customerId: customer.id }) : null;
      if (customer && !location) errors.add(UserErrorCode.NOT_FOUND, 'No location of this customer has this id.', 'locationId');
      if (!customer || !location) return STOP;
      const { contactName, contactEmail, contactPhone, notes } = draft;
      return Object.assign(new SetupAssistRequest(), {
        id: newId(), customerId: customer.id, locationId: location.id, contactName, contactEmail, contactPhone, notes,
        status: SETUP_ASSIST_REQUESTED, createdAt: new Date(),
      } satisfies SetupAssistRequest);
    },
    write: async (tx, request) => {
      await tx.insert(SetupAssistRequest, request);
      return { value: request, changed: [request.customerId, request.id] };
    },
    // PostgreSQL: removeLocation or deleteCustomer removed what the request names after our checks.
    refused: (error) => deletedMeanwhile(error, 'locationId', 'location (or its customer)'),
    payload: (outcome): RequestSetupAssistPayload => (outcome.ok
      ? { request: outcome.value, userErrors: [] }
      : { request: null, userErrors: outcome.userErrors }),
  });

  request(caller: Caller, input: RequestSetupAssistInput, loaders?: Loaders | null): Promise<RequestSetupAssistPayload> {
    return this.requestMutation.run(this.db, { caller, loaders }, input);
  }
}
