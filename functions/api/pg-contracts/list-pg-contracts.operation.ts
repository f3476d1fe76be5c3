import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { idSchema } from '../common.schema.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('listPgContracts', { route: fn.listPgContracts, params: z.strictObject({ shopId: idSchema }), status: 200 });
