// Package openrtb is the OpenRTB 2.5/2.6 wire layer of the bidder: lean
// request types holding only what a bidder reads, a tolerant decoder that
// allocates nothing once warm, validation, and a response encoder.
//
// # Lifetime of a decoded request
//
// Strings in a decoded BidRequest are not copies: they point into the body
// passed to Decoder.Decode, or into the Decoder's scratch buffer when the
// JSON string had escapes. A decoded request is therefore valid only while
// the body is unchanged and until the Decoder decodes again. Copy a string
// (strings.Clone) to keep it longer.
//
// # Absent values
//
// Nested objects are values with a Present field, not pointers, and slices
// are reused from one decode to the next, so that a reused BidRequest
// reaches a steady state without allocation. A field that was missing, null
// or of a kind that cannot be read holds its zero value unless its comment
// says otherwise.
//
// # Tolerance
//
// Exchanges send values of the wrong kind; the decoder reads each kind of
// field the same way wherever it occurs, and never fails a request for it:
//
//   - integer fields take integers, fractional numbers (truncated toward
//     zero), numeric strings such as "1984", and true or false as 1 or 0;
//   - string fields take strings, numbers (their literal text) and true
//     or false ("true", "false");
//   - price fields take numbers and numeric strings, read into int64
//     micros from the text, never through float64;
//   - integer-array and string-array fields also take a single value;
//   - object fields take objects only: "ext": [] or "ext": "any" leaves the
//     object absent;
//   - null, and any other kind, leaves the field absent.
//
// When a key repeats, the last occurrence wins. Unknown fields are skipped.
// Strings are not checked for UTF-8: their bytes are kept as sent, as
// encoding/json's Valid accepts them. Syntax errors, and nesting deeper
// than 64 levels, fail the request with a *SyntaxError.
//
// # OpenRTB 2.5 extensions
//
// Values that OpenRTB 2.5 carried in ext objects and 2.6 moved to fields
// are read into the 2.6 field when that field is absent or empty; the 2.6
// location wins when both are present. These are regs.ext.gdpr,
// regs.ext.us_privacy, regs.ext.gpp, regs.ext.gpp_sid, user.ext.consent,
// user.ext.eids, source.ext.schain, imp.ext.rwdd (and
// imp.ext.prebid.is_rewarded_inventory) and request.ext.dooh.
package openrtb
