/** The output formats of cloud commands, as the openstack CLI names them (kept apart: flags need them at startup). */
export const RECORD_FORMATS = ['table', 'json', 'yaml', 'value'] as const
export type RecordFormat = (typeof RECORD_FORMATS)[number]
