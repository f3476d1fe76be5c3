import * as fn from '../../../system/functions.ts';
import { pageQuery } from '../page-query.schema.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('listCreditLedger', { route: fn.listCreditLedger, query: pageQuery, status: 200 });
