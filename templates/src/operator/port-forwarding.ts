/**
 * The one SSM document operators may start sessions with (operator-access.ts grants it, db:connect
 * uses it): it forwards one local port to one host:port that the target task can reach. No shell.
 */
export const PORT_FORWARDING_DOCUMENT = 'AWS-StartPortForwardingSessionToRemoteHost';
