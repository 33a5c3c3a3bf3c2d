/**
 * Provider receipts: which status may follow which (a late "delivered" never undoes "opened"),
 * and how Twilio's StatusCallback statuses map onto Braid's. Pure.
 */
import type { DeliveryStatus, ReceiptStatus } from './channels.types.ts';

/** The statuses a receipt may move a message from. 'sending' is excluded: our own write decides it. */
export const RECEIPT_FROM: Record<ReceiptStatus, readonly DeliveryStatus[]> = {
  delivered: ['sent', 'unknown'],
  opened: ['sent', 'delivered', 'unknown'],
  clicked: ['sent', 'delivered', 'opened', 'unknown'],
  failed: ['sent', 'unknown'],
  bounced: ['sent', 'delivered', 'unknown', 'failed'],
  complained: ['sent', 'delivered', 'opened', 'clicked', 'unknown', 'bounced'],
};

/** Twilio error codes that mean the number cannot receive (hard bounce) or opted out (STOP). */
const TWILIO_UNREACHABLE = new Set(['30003', '30005', '30006']);
const TWILIO_OPTED_OUT = new Set(['21610']);

/**
 * A Twilio MessageStatus (+ ErrorCode) as a Braid receipt, or undefined for the intermediate ones
 * (queued, accepted, sending, sent, scheduled) that change nothing.
 */
export function twilioStatus(status: string | undefined, errorCode: string | undefined): ReceiptStatus | undefined {
  switch (status) {
    case 'delivered': return 'delivered';
    case 'read': return 'opened';
    case 'undelivered':
    case 'failed':
      if (errorCode && TWILIO_OPTED_OUT.has(errorCode)) return 'complained';
      if (errorCode && TWILIO_UNREACHABLE.has(errorCode)) return 'bounced';
      return 'failed';
    default: return undefined;
  }
}
