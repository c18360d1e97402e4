#!/usr/bin/env node
// The bundled CLI (scripts/bundle.mjs): one file per command and their shared chunks, not hundreds of modules
await import('../dist/cli/bin/entry.js')
