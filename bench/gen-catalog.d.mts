/** A catalog of `n` valid flavors in wd's layout, as YAML text. */
export function generateCatalog(n?: number): string
