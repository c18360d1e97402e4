import js from '@eslint/js'
import prettier from 'eslint-config-prettier/flat'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['dist/', 'coverage/', 'oclif.manifest.json', '.work/', '**/*.d.mts']},
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: {projectService: true, tsconfigRootDir: import.meta.dirname},
    },
    rules: {'@typescript-eslint/require-await': 'off'}, // oclif's async run()
  },
  {
    // the library has no terminal: commands/ owns output and exit status
    files: ['src/**/*.ts'],
    rules: {'no-console': 'error', 'no-restricted-properties': ['error', {object: 'process', property: 'exit'}]},
  },
  {files: ['test/**/*.ts'], rules: {'@typescript-eslint/no-non-null-assertion': 'off'}},
  {files: ['**/*.js', '**/*.mjs', '**/*.cjs'], extends: [tseslint.configs.disableTypeChecked]},
  prettier,
)
