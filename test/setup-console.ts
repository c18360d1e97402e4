// Jest decorates console output; oclif prints through console, so give tests the plain console back.
import {Console} from 'node:console'
globalThis.console = new Console({stdout: process.stdout, stderr: process.stderr})
