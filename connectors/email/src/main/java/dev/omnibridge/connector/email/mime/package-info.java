/**
 * Turns one raw RFC 5322 mail into canonical content: the new text an agent needs, safe HTML, named attachments and
 * the signals that decide whether the mail may open a ticket.
 *
 * <p>Why a separate, pure package: mail is the most hostile and most inconsistent channel the hub handles. Real
 * clients send bogus charsets, unencoded 8-bit headers, split encoded words and missing end boundaries; senders
 * embed scripts and tracking pixels; out-of-office robots and bounces would open ticket loops. Keeping all of that
 * here, with no network, no Camel and no plugin state, lets the corpus tests pin the behaviour down precisely and
 * lets the IMAP route stay a thin adapter. The parser also never calls {@code Part.getContent()}: that relies on
 * Jakarta Activation finding content handlers through the thread context class loader, which inside a PF4J plugin
 * is not the plugin's; reading decoded bytes directly works under any class loader.
 */
package dev.omnibridge.connector.email.mime;
