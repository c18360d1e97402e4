/**
 * Where a value sits in a parsed document: its keys and array indexes from the root. Schema errors name values by
 * it and the YAML source places them by it, so it belongs to neither (schema/ sits below source/).
 */
export type Path = readonly (string | number)[]
