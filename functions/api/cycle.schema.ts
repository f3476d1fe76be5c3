import * as z from '../core/validation.ts';
import { CYCLE_CODES } from '../domain/product.ts';

/** A delivery cycle's code (1w … 1y): what a product offers and a subscription follows. */
export const cycleSchema = z.enum(CYCLE_CODES);
