/**
 * How the human formats say that something is absent, one spelling each: never 'none', which is also one of Nova's
 * actions (a device that does nothing on expiry).
 */

/** No watchdog device at all. */
export const NO_WATCHDOG = 'no watchdog'

/** A key or field with no value. */
export const NOT_SET = 'not set'
