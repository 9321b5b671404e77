import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import vueParser from 'vue-eslint-parser'

const API_CALLS = 'API calls live in src/api/<feature>.ts: call (or add) a function there, not the client.'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'src/api/schema.d.ts', 'src/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: {
      parser: vueParser,
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' },
    },
  },
  {
    languageOptions: {
      globals: { window: 'readonly', document: 'readonly', console: 'readonly', process: 'readonly' },
    },
    rules: {
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // API calls live in src/api/<feature>.ts, typed by the generated schema; pages, components,
  // stores and composables call those. Outside src/api, the client module gives its errors
  // (ApiError), its settings and its types, never the means of a request.
  {
    files: ['src/**/*.ts', 'src/**/*.vue'],
    ignores: ['src/api/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'openapi-fetch', allowTypeImports: true, message: API_CALLS }],
          patterns: [{ regex: '(^|/)api/client(\\.ts)?$', importNames: ['client', 'call', 'answered', 'upload'], message: API_CALLS }],
        },
      ],
    },
  },
)
