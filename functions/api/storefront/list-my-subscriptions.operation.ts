import * as fn from '../../../system/functions.ts';
import { pageQuery } from '../page-query.schema.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('listMySubscriptions', { route: fn.listMySubscriptions, query: pageQuery, status: 200 });
