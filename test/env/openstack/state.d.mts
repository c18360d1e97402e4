/** The test cloud's state directory (WD_OS_STATE, else .work/openstack). */
export const stateDir: string
/** A state file's KEY=VALUE lines; a missing file says how to start the cloud. */
export function readStateEnv(file: string): Record<string, string>
