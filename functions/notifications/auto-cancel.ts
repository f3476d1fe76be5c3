/** The stop cascade's mails (S23): to each buyer whose subscription was cancelled, and the operator's summary. */
import { renderMail } from './templates.ts';

const REASONS: Readonly<Record<string, string>> = {
  MERCHANT_REQUEST: '쇼핑몰의 요청으로',
  PG_CHANGED: '결제대행사(PG) 변경으로',
  PG_UNLINKED: '결제대행사(PG) 연동 해제로',
  KAKAOPAY_OFF: '카카오페이 정기결제 사용 중지로',
};

export const reasonText = (reason: string): string => REASONS[reason] ?? '쇼핑몰 사정으로';

export function autoCancelMail(content: { shopName: string; subscriptionId: string; reason: string; date: string }): { subject: string; text: string } {
  return renderMail('auto-cancel.mail', { ...content, reason: reasonText(content.reason) });
}

export function autoCancelSummaryMail(content: {
  shopName: string;
  reason: string;
  date: string;
  cancelled: number;
  keysDeleted: number;
  mailsSent: number;
  mailsNotSent: number;
}): { subject: string; text: string } {
  return renderMail('auto-cancel-summary.mail', { ...content, reason: reasonText(content.reason) });
}
