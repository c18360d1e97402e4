/**
 * The house rules of ../shared/DESIGN.md that imports can break, checked by `npm run lint` (`npm run deps` alone):
 * no import circle; the pure folders import nothing that does I/O (directly: what they import is checked in turn);
 * result types live below report/, so only the faces' layers import it; src/ never imports commands/.
 * .dependency-cruiser-runtime.mjs adds what only the graph of code that runs can say (type-only imports run nothing).
 */
const PURE = '^src/(api|vocab|engine|render|parse|schema|source|report|catalog|policy|audit|guest|text)/'
export default {
  forbidden: [
    {name: 'no-circular', severity: 'error', from: {}, to: {circular: true}},
    {
      name: 'pure-imports-no-adapter',
      comment: 'HTTP, files, sockets, the CLI and the service are reached through operations/, never from here',
      severity: 'error',
      from: {path: PURE},
      to: {
        path: [
          '^node_modules/(axios|@oclif|fastify|@fastify|amqplib|openid-client|tinyglobby)/',
          '^src/(openstack|operations|service|events|fs)/',
        ],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'pure-no-node-io',
      comment:
        "schema/validator.ts and schema/compiler.ts read the published schemas, the program's own files, once at first use",
      severity: 'error',
      from: {path: PURE, pathNot: '^src/schema/(validator|compiler)\\.ts$'},
      to: {
        dependencyTypes: ['core'],
        path: '^(node:)?(fs|fs/promises|net|child_process|http|https|dgram|dns|os|readline)$',
      },
    },
    {
      name: 'report-is-the-top',
      comment:
        'report/ turns results into words; the layers that make results sit below it (events/ sinks write its formats)',
      severity: 'error',
      from: {path: '^src/', pathNot: '^src/(report|operations|service|events)/'},
      to: {path: '^src/report/'},
    },
    {
      name: 'schema-below-source',
      comment: 'source/ loads a document and checks it against a schema: schema/ never reaches back into source/',
      severity: 'error',
      from: {path: '^src/schema/'},
      to: {path: '^src/source/'},
    },
    {name: 'src-no-commands', severity: 'error', from: {path: '^src/'}, to: {path: '^commands/'}},
    {
      name: 'command-no-command',
      comment: 'commands share through commands/_shared or src/',
      severity: 'error',
      from: {path: '^commands/(?!_shared/)'},
      to: {path: '^commands/(?!_shared/)'},
    },
  ],
  options: {
    doNotFollow: {path: 'node_modules'},
    tsPreCompilationDeps: true,
    tsConfig: {fileName: 'tsconfig.json'},
    enhancedResolveOptions: {extensions: ['.ts', '.js']},
  },
}
