/** The SARIF 2.1.0 log both wd's SARIF writers (catalog findings, audit findings) put their results in. */

export interface SarifRule {
  id: string
  summary: string
  /** SARIF's level: error, warning or note */
  level: string
}

/** One run of wd: its rule table, its invocation (did it read everything), and the results. */
export function sarifLog(
  version: string,
  rules: readonly SarifRule[],
  invocation: object,
  results: readonly object[],
  run: object = {},
): object {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'wd',
            version,
            rules: rules.map((r) => ({
              id: r.id,
              shortDescription: {text: r.summary},
              defaultConfiguration: {level: r.level},
            })),
          },
        },
        invocations: [invocation],
        ...run,
        results,
      },
    ],
  }
}
