// The entry the bundle starts from (scripts/bundle.mjs → dist/cli/bin/entry.js); bin/run.js loads it.
import {execute} from '@oclif/core'

await execute({dir: import.meta.url})
