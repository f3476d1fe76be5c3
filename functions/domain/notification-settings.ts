/** S11, S23: which automatic messages a shop sends. Until the merchant changes them, all are on. */
export interface NotificationSettings {
  readonly paymentNotice: { readonly mail: boolean; readonly sms: boolean };
  readonly autoCancel: { readonly customerMail: boolean; readonly operatorMail: boolean };
  readonly operatorEmail: string;
}

export function defaultNotificationSettings(operatorEmail: string): NotificationSettings {
  return { paymentNotice: { mail: true, sms: true }, autoCancel: { customerMail: true, operatorMail: true }, operatorEmail };
}
