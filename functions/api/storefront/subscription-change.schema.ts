/**
 * Issue 13: PATCH /subscriptions/{id} — at least one field; items replace the active item list. The shop's
 * change on the buyer's behalf (functions/api/merchant-actions/change-shop-subscription.operation.ts) takes the same body.
 */
import * as z from '../../core/validation.ts';
import { isoDateSchema } from '../common.schema.ts';
import { cycleSchema } from '../cycle.schema.ts';
import { itemsSchema, shippingAddressSchema } from './buyer-fields.schema.ts';

export const changeSubscriptionBody = z
  .strictObject({
    cycle: z.optional(cycleSchema),
    items: z.optional(itemsSchema).check(z.describe('The new item list: listed products active at these quantities, the others cancelled')),
    shippingAddress: z.optional(shippingAddressSchema()),
    nextDeliveryDate: z.optional(isoDateSchema).check(z.describe("Moves the next delivery (before its notice only), within the shop's window; later ones stay on the anchor")),
  })
  .check(z.refine((body) => Object.values(body).some((value) => value !== undefined), 'Change at least one of cycle, items, shippingAddress, nextDeliveryDate.'));
