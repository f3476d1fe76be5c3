/**
 * Toss Payments card-company (카드사) codes, as they appear in `card.issuerCode`
 * and `card.acquirerCode` of the Billing and Payment objects.
 *
 * Source: Toss's code table, https://docs.tosspayments.com/reference/codes#카드사-코드
 * (linked from the Payment object's `card.issuerCode` field,
 * https://docs.tosspayments.com/reference#payment-객체). That page itself was not
 * in the stored corpus; the values below were cross-checked against several
 * independent transcriptions of it (Go, Ruby, TypeScript and Python clients),
 * which agree code for code. Discover (`6I`) appears in fewer of them than the
 * other brands — a reason more to treat an unknown code conservatively (see
 * `foreignCard` in tosspayments.ts).
 */

export interface CardCompany {
  /** Short display name, as the storefront shows it ("KB국민", "Visa"). */
  readonly name: string;
  /** An international brand's own code: the card was issued abroad (S16). */
  readonly international: boolean;
}

// Pure (esbuild's annotation), and nothing derived at load: a bundle that reads no card facts (the charging
// functions) drops the table.
const domestic = /* @__NO_SIDE_EFFECTS__ */ (name: string): CardCompany => ({ name, international: false });
const international = /* @__NO_SIDE_EFFECTS__ */ (name: string): CardCompany => ({ name, international: true });

/** issuerCode → company. Toss groups the last seven as 해외 카드사 (international card companies). */
export const CARD_COMPANIES: Readonly<Record<string, CardCompany>> = {
  '3K': domestic('기업BC'),
  '46': domestic('광주'),
  '71': domestic('롯데'),
  '30': domestic('KDB산업'),
  '31': domestic('BC'),
  '51': domestic('삼성'),
  '38': domestic('새마을'),
  '41': domestic('신한'),
  '62': domestic('신협'),
  '36': domestic('씨티'),
  '33': domestic('우리BC'),
  W1: domestic('우리'),
  '37': domestic('우체국'),
  '39': domestic('저축은행'),
  '35': domestic('전북'),
  '42': domestic('제주'),
  '15': domestic('카카오뱅크'),
  '3A': domestic('케이뱅크'),
  '24': domestic('토스뱅크'),
  '21': domestic('하나'),
  '61': domestic('현대'),
  '11': domestic('KB국민'),
  '91': domestic('NH농협'),
  '34': domestic('Sh수협'),
  // 해외 카드사: a card whose *issuer* is one of these brands was issued outside Korea.
  // (A Korean card on the Visa network still carries its Korean issuer's code, e.g. 11.)
  '6D': international('Diners Club'),
  '6I': international('Discover'),
  '4M': international('Mastercard'),
  '3C': international('UnionPay'),
  '7A': international('American Express'),
  '4J': international('JCB'),
  '4V': international('Visa'),
};

/**
 * Company names as older responses carry them (`card.company`, `cardCompany`)
 * when no issuerCode is given; the international ones mark a foreign card too.
 */
const INTERNATIONAL_COMPANY_NAMES: readonly string[] = ['비자', '마스터', 'JCB', '유니온페이', 'AMEX', '아멕스', '아메리칸 익스프레스', '다이너스', '디스커버', 'Visa', 'VISA', 'Mastercard', 'MASTER', 'UnionPay', 'Diners', 'Discover'];

/** S16: an international brand's own issuer code (the card was issued abroad). */
export function isInternationalIssuer(issuerCode: string): boolean {
  return cardCompany(issuerCode)?.international === true;
}

export function cardCompany(issuerCode: string): CardCompany | undefined {
  return Object.hasOwn(CARD_COMPANIES, issuerCode) ? CARD_COMPANIES[issuerCode] : undefined;
}

export function isInternationalCompanyName(name: string): boolean {
  const wanted = name.trim().toLowerCase();
  return INTERNATIONAL_COMPANY_NAMES.some((known) => known.toLowerCase() === wanted);
}
