/**
 * Posting one signed webhook attempt (issue 13): what the delivery use case asks of the HTTP adapter
 * (functions/adapters/webhooks/sender.ts), which enforces the timeout and refuses a private address at
 * connect time.
 */
export interface WebhookPost {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What one attempt got: the status code, or why there is none (timeout, refused address, network). */
export interface WebhookPostResult {
  readonly statusCode?: number;
  readonly durationMs: number;
  readonly error?: string;
}

export interface WebhookSender {
  post(request: WebhookPost): Promise<WebhookPostResult>;
}
