/**
 * Logging in to the mailbox: a password, or an OAuth 2.0 access token sent with SASL XOAUTH2 (Microsoft 365
 * client credentials, a Google service account with domain-wide delegation, or a refresh token). Tokens are
 * cached and renewed before they expire; no secret or token ever reaches a log line or an error message.
 */
package dev.omnibridge.connector.email.auth;
