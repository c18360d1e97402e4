/**
 * Every size limit wd holds input to, in one place. Each is far above what a real file of its kind needs and far
 * below what would let a crafted one exhaust memory or time; the README's hostile-input section names them.
 */
export const MiB = 1024 * 1024

/** A catalog file or `POST /v1/validate` body: the 50,000-flavor benchmark catalog is 11.8 MB. */
export const MAX_CATALOG_BYTES = 64 * MiB
/** A policy file, a service config, a clouds.yaml: a few KiB each. */
export const MAX_CONFIG_FILE_BYTES = MiB
/** A Proxmox qemu-server config: a few KiB. */
export const MAX_PROXMOX_CONFIG_BYTES = MiB
/** A libvirt domain XML: tens of KiB. */
export const MAX_DOMAIN_XML_BYTES = 16 * MiB
/** A request body of `wd serve` by default (configurable: `bodyLimit`). */
export const DEFAULT_BODY_LIMIT = MiB
/** One line of a QMP socket, a libvirt event or the journal. */
export const MAX_LINE_BYTES = MiB
/**
 * Nodes a YAML document's aliases may expand to: far above any real catalog's use of anchors (50,000 flavors sharing
 * one anchored extra-spec map of five keys expand by 300,000), far below a "billion laughs" (9 levels of 9 aliases:
 * 387 million). Aliases are shared references in the loaded data, but ajv and the reports walk them as trees.
 */
export const MAX_ALIAS_EXPANSION = 1_000_000
/** How much a journal read takes from the file at once. */
export const JOURNAL_READ_CHUNK = MiB
/** The lines of a server's console the audit asks Nova for (the guest half's line is among the last; Nova's libvirt
 * driver keeps at most 100 KiB of it anyway). */
export const CONSOLE_TAIL_LINES = 400
/** One answer of an OpenStack API: a page of 1,000 servers with their embedded flavors is a few MiB. */
export const MAX_ANSWER_BYTES = 16 * MiB
/** A page of a list (Nova's servers or flavors, Glance's images), which carries many objects. */
export const MAX_PAGE_BYTES = 64 * MiB
/** Pages one list may take: at Nova's default 1,000 a page (Glance's 200 wd asks for) far past any real cloud. */
export const MAX_LIST_PAGES = 5000
/** Items one list may hold in total, whatever its pages: about 3 KiB each in memory, so a bounded few hundred MiB. */
export const MAX_LIST_ITEMS = 200_000
/** Nesting depth of an XML document wd reads for facts (libvirt domain XML is a dozen levels deep). */
export const MAX_XML_DEPTH = 256
/** A libvirt domain's XML (`virsh dumpxml`) is a few KiB; a larger answer is not read (the bark is recorded without it). */
export const MAX_DUMPXML_BYTES = MiB
/** A notification of wd on the bus is a few hundred bytes; anything far larger is not read. */
export const MAX_NOTIFICATION_BYTES = 256 * 1024
/** A pid file holds a number and a newline. */
export const MAX_PID_FILE = 64
/** A command line of Proxmox's QEMU (/proc/PID/cmdline) is a few KiB. */
export const MAX_CMDLINE = 256 * 1024
/** /proc/PID/stat is one line of a few hundred bytes. */
export const MAX_STAT = 4096
