// Runs every benchmark in one process tree and prints their figures; exits 1 if a goal was missed.
const results = []
for (const name of [
  'startup',
  'catalog',
  'findings',
  'openstack',
  'catalog-apply',
  'audit',
  'service',
  'barks',
  'barks-fleet',
  'barks-bus',
  'proxmox-list',
  'package',
]) {
  const mod = await import(`./${name}.mjs`)
  results.push(mod.met)
}
process.exit(results.every(Boolean) ? 0 : 1)
