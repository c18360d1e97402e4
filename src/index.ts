/**
 * wd as a library (package.json `exports`): what the CLI and the service are built from, for tools that embed it.
 * Everything here is plain data in, typed data out; errors are WdError with a stable code.
 */
export {resolve, type Resolution, type ResolveInput} from './engine/resolve.js'
export {validateCatalogText, DEFAULT_MAX_FINDINGS, type ValidateOptions} from './catalog/validate.js'
export {loadPolicy} from './policy/load.js'
export {translate, assertDevice} from './vocab/translate.js'
export {renderLibvirtElement} from './render/libvirt.js'
export {renderProxmoxLine, parseProxmoxValue, type ProxmoxWatchdog} from './render/proxmox.js'
export {renderQemuArgs} from './render/qemu.js'
export {patchDomainXml} from './render/domain-patch.js'
export {SCHEMA_NAMES, schemaDocument, validator} from './schema/validator.js'
export {ERROR_CODES, WdError, isWdError, type WdErrorCode, type SourcePosition} from './errors.js'
