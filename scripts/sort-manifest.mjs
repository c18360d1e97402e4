#!/usr/bin/env node
// oclif.manifest.json with its commands in the order @oclif/core's Plugin.load sorts them into (by id, with
// localeCompare): the bundle no longer sorts them at every start (scripts/bundle.mjs, oclifEdits), so the file holds
// that order. `oclif manifest` writes them in the order their files finished loading.
import {readFileSync, writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const file = fileURLToPath(new URL('../oclif.manifest.json', import.meta.url))
const manifest = JSON.parse(readFileSync(file, 'utf8'))
const commands = Object.entries(manifest.commands).sort(([a], [b]) => a.localeCompare(b))
writeFileSync(file, JSON.stringify({...manifest, commands: Object.fromEntries(commands)}, null, 2))
