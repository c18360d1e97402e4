/**
 * The one UUID rule for telling an id from a name: 8-4-4-4-12 hex digits, dashed, as Nova and Glance make their ids
 * (str(uuid.uuid4())). Glance's image schema takes no other id (glance/api/v2/images.py, the id pattern), and Nova
 * makes a flavor's id so when none is given. oslo.utils' is_uuid_like is looser (dashes optional, braces, urn:uuid:)
 * but no id Glance holds has such a shape, and a Nova flavor only when an admin gave it by hand: such a reference is
 * asked for both ways at once, by id and by name.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export const isUuid = (ref: string): boolean => UUID.test(ref)
