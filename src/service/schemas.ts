import {MAX_CATALOG_BYTES} from '../limits.js'
/**
 * Request and response schemas of the service: fastify validates requests with them and OpenAPI is made from them.
 * A 200 answer is one of the published schemas (schemas/NAME.schema.json): `published` names it, the OpenAPI
 * document carries it under components.schemas (see openapi.ts), and the answer is serialized as it is.
 */

const props = (what: string) => ({
  type: 'object',
  description: what,
  maxProperties: 1000,
  propertyNames: {maxLength: 255},
  additionalProperties: {type: 'string', maxLength: 65535},
})
const ref = (what: string) => ({
  type: 'string',
  minLength: 1,
  maxLength: 255,
  description: `${what} name or id, looked up with the caller's token`,
})
const error = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: {type: 'string'},
        message: {type: 'string'},
        hint: {type: 'string'},
        location: {type: 'object', description: 'file:line:col of what is wrong, when the input has places'},
      },
      required: ['code', 'message'],
    },
  },
}
const errors = {400: error, 401: error, 403: error, 404: error, 413: error, 422: error, 502: error}
const security = [{keystone: []}]

/** A response that is the published schema `name`; `x-wd-schema` is turned into a $ref in the OpenAPI document. */
const published = (name: string) => ({'x-wd-schema': name, description: `schemas/${name}.schema.json`})

export interface ResolveBody {
  flavor?: string
  image?: string
  flavorSpecs?: Record<string, string>
  imageProperties?: Record<string, string>
  explain?: boolean
}

export const resolve = {
  summary: 'The watchdog Nova gives an instance of this flavor and image, with renderings and policy findings',
  security,
  body: {
    type: 'object',
    additionalProperties: false,
    properties: {
      flavor: ref('Flavor'),
      image: ref('Image'),
      flavorSpecs: props("The flavor's extra specs, inline"),
      imageProperties: props("The image's properties, inline"),
      explain: {type: 'boolean', description: 'Include the resolution steps'},
    },
  },
  response: {
    200: published('resolution'),
    ...errors,
  },
}

export const validate = {
  summary: 'The findings of `wd catalog validate` for one catalog document (YAML or JSON body)',
  security,
  consumes: ['application/yaml', 'application/json', 'text/plain'],
  body: {type: 'string', maxLength: MAX_CATALOG_BYTES},
  response: {
    200: published('catalog-report'),
    ...errors,
  },
}

export const lookup = (what: 'flavor' | 'image') => ({
  summary: `A ${what}'s stored watchdog value, the watchdog it gives, findings and all ${what === 'flavor' ? 'extra specs' : 'properties'}, as \`wd ${what} show --json\``,
  security,
  // '.' and '..' are no ids: in a URL path they would climb out of /flavors/ (or /images/) at the API
  params: {
    type: 'object',
    required: ['id'],
    properties: {id: {...ref(what === 'flavor' ? 'Flavor' : 'Image'), not: {enum: ['.', '..']}}},
  },
  response: {200: published('watchdog-state'), ...errors},
})

export interface VendordataBody {
  'project-id'?: string
  'instance-id': string
  'image-id'?: string
  hostname?: string
  metadata?: Record<string, string>
  'boot-roles'?: string
}

export const vendordata = {
  summary:
    "Nova dynamic vendordata target: the guest half of the instance's watchdog (a cloud-init vendor script), or null",
  description:
    "Configure Nova with [api] vendordata_providers = StaticJSON,DynamicJSON and vendordata_dynamic_targets = cloud-init@<this URL>/v1/vendordata: cloud-init reads only the key cloud-init of vendor_data2.json, as a string. The answer is the script (a JSON string) for an instance Nova gives a watchdog, null for one it gives none. The caller needs a role of the policy's access.anyProject (default: admin).",
  security,
  body: {
    type: 'object',
    required: ['instance-id'],
    properties: {
      'project-id': {type: 'string'},
      'instance-id': {type: 'string', minLength: 1, maxLength: 255},
      'image-id': {type: 'string', maxLength: 255},
      hostname: {type: 'string'},
      metadata: {type: 'object'},
      'boot-roles': {type: 'string'},
    },
  },
  response: {
    200: {type: ['string', 'null'], description: 'a shell script (#!/bin/sh) for cloud-init to run as a vendor script'},
    ...errors,
  },
}
