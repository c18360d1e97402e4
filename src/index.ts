/**
 * wd as a library (package.json `exports`): the application layer the CLI and the service are built from, the
 * engine, and the types. Everything here is plain data in, typed data out (each result has its schema in
 * schemas/); errors are WdError with a stable code.
 */
export {
  resolveRequest,
  resolveEngine,
  type ResolveRequest,
  type ResolveContext,
  type ResolutionResult,
} from './operations/resolution.js'
export {
  showWatchdog,
  changeWatchdog,
  type Target,
  type TargetKind,
  type Planned,
  type WatchdogState,
  type WatchdogChange,
  type ChangeOptions,
} from './operations/target.js'
export {flavorTarget, describeFlavor} from './operations/targets/flavor.js'
export {imageTarget, describeImage} from './operations/targets/image.js'
export {proxmoxGuestTarget, describeGuest, type GuestConfig} from './operations/targets/proxmox-guest.js'
export {libvirtDomainTarget, describeDomain, type DomainFile} from './operations/targets/libvirt-domain.js'
export {savedPlan} from './operations/saved-plan.js'
export {planCatalogs, type Plan} from './operations/catalog-plan.js'
export type {PlanItem, FlavorPlanItem, ImagePlanItem, PlanOptions, Change} from './catalog/diff.js'
export {
  applyPlan,
  assertCurrent,
  type ApplyOptions,
  type ApplyResult,
  type ItemResult,
  type ItemStatus,
} from './operations/catalog-apply.js'
export {exportCatalog, type CatalogDocument, type ExportOptions} from './operations/catalog-export.js'
export {readCatalogs, type CatalogInputs} from './operations/catalog-files.js'
export {auditCloud, auditFailed, type AuditReport, type AuditOptions, type CatalogDrift} from './operations/audit.js'
export type {
  AuditServer,
  AuditFlavor,
  AuditImage,
  AuditFinding,
  AuditSubject,
  AuditSummary,
  Counts,
  ServerWhy,
} from './audit/model.js'
export {AUDIT_RULES, type AuditRuleId} from './audit/rules.js'
export {
  glanceProtections,
  type PropertyProtections,
  type ProtectionSection,
  type ProtectionOptions,
  type RuleFormat,
} from './policy/glance-protections.js'
export {connect, type Connection} from './openstack/connection.js'
export {loadCloudConfig, type CloudConfig} from './openstack/cloud-config.js'
export {resolve, type Resolution, type ResolveInput, type DecidedBy} from './engine/resolve.js'
export type {Finding} from './engine/findings.js'
export {validateCatalogText, DEFAULT_MAX_FINDINGS, type ValidateOptions} from './catalog/validate.js'
export {loadPolicy} from './policy/load.js'
export {readPolicyFile} from './operations/policy-file.js'
export type {Policy} from './policy/policy.js'
export {translate, assertDevice} from './vocab/translate.js'
export type {Device, System} from './vocab/systems.js'
export {renderLibvirtElement} from './render/libvirt.js'
export {renderProxmoxLine, parseProxmoxValue, type ProxmoxWatchdog} from './render/proxmox.js'
export {renderQemuArgs} from './render/qemu.js'
export {patchDomainXml} from './render/domain-patch.js'
export {SCHEMA_NAMES, schemaDocument, validator} from './schema/validator.js'
export {ERROR_CODES, WdError, isWdError, type WdErrorCode, type SourcePosition} from './errors.js'
