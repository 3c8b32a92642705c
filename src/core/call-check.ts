import type { CheckStatus } from './diagnosis.js';

/** One check of the call troubleshooter ("Why did this call fail?"), as the UI lists it. */
export type CallCheckId = 'call' | 'called-number' | 'forward' | 'registration' | 'busy' | 'codec' | 'media';

export interface CallCheck {
  id: CallCheckId;
  title: string;
  status: CheckStatus;
  detail: string;
  /** What to change, in an operator's words, for a problem or warning. */
  fix?: string;
}
