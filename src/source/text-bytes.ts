/**
 * Text that an editor must hand back byte for byte. UTF-8 (the XML default) is decoded as such; bytes that are not
 * UTF-8 (an ISO-8859-1 comment, say) are read as latin1, one character per byte, so they come back exactly; wd's own
 * insertions are ASCII either way. UTF-16 and binary data are refused: splicing ASCII into them would corrupt them.
 */
import {WdError} from '../errors.js'

export interface DecodedText {
  text: string
  encode(text: string): Buffer
}

const utf8 = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true})

export function decodeText(bytes: Buffer, name: string, what: string): DecodedText {
  const bom16 =
    bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  const nul = bytes.indexOf(0)
  if (bom16 || (nul >= 0 && nul < 4 && bytes.length > 4)) {
    throw new WdError(
      'WD_FILE_REFUSED',
      `${name} is UTF-16; wd edits ${what} in UTF-8 (or any ASCII-compatible encoding)`,
      {
        hint: `convert it first: iconv -f UTF-16 -t UTF-8 ${name}`,
      },
    )
  }
  if (nul >= 0) {
    throw new WdError('WD_FILE_REFUSED', `${name} holds NUL bytes: binary data, not ${what}`)
  }
  try {
    return {text: utf8.decode(bytes), encode: (t) => Buffer.from(t, 'utf8')}
  } catch {
    return {text: bytes.toString('latin1'), encode: (t) => Buffer.from(t, 'latin1')}
  }
}
