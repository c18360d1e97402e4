/** The pure folders reach no I/O through any import that runs (a type-only import of a result type runs nothing). */
import base from './.dependency-cruiser.mjs'

const {forbidden, options} = base
const PURE = forbidden.find((r) => r.name === 'pure-imports-no-adapter').from.path
export default {
  forbidden: [
    {
      name: 'pure-reaches-no-io',
      comment:
        'neither directly nor through another module (a pure parser in proxmox/ is fine, its file editor is not)',
      severity: 'error',
      from: {path: PURE},
      to: {
        path: '^(node_modules/(axios|@oclif|fastify|amqplib|openid-client|tinyglobby)/|src/fs/|(fs|fs/promises|net|child_process|http|https|dgram|dns|readline)$)',
        reachable: true,
      },
    },
  ],
  options: {
    ...options,
    tsPreCompilationDeps: false,
    // the one exception: the validator and the compiler read the published schemas (the program's own files) once, at
    // first use
    exclude: {path: '^src/(schema/validator|schema/compiler|paths)\\.ts$'},
  },
}
