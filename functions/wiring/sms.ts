/** SNS, for the functions that send SMS (`sends: ['sms']`). */
import { snsSmsSender } from '../adapters/messaging/sns.ts';

export const sms = snsSmsSender();
