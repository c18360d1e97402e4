/**
 * The output formats of cloud commands, as python-openstackclient (cliff) names them: a `show` prints one record
 * (`shell` is cliff's ShowOne formatter), a `list` many (`csv` is cliff's Lister formatter). Kept apart from the
 * writers: flags need the names at startup.
 */
export const RECORD_FORMATS = ['table', 'json', 'yaml', 'value', 'shell'] as const
export type RecordFormat = (typeof RECORD_FORMATS)[number]

export const LIST_FORMATS = ['table', 'json', 'yaml', 'value', 'csv'] as const
export type ListFormat = (typeof LIST_FORMATS)[number]
